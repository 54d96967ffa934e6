package io.goldgate.access;

import java.util.Set;

/**
 * The feature views a recipient can be granted writes of (the online features face implements
 * it), so that grants are checked against what exists without access depending on that face.
 */
public interface FeatureViewNames {

  Set<String> featureViewNames();
}
