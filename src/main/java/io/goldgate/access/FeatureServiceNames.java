package io.goldgate.access;

import java.util.Set;

/**
 * The feature services a recipient can be granted (the online features face implements it), so
 * that grants are checked against what exists without access depending on that face.
 */
public interface FeatureServiceNames {

  Set<String> featureServiceNames();
}
