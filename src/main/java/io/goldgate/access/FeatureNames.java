package io.goldgate.access;

import java.util.Set;

/**
 * The feature services a recipient can be granted, and the feature views it can be granted writes
 * of (the online features face implements it), so that grants are checked against what exists
 * without access depending on that face.
 */
public interface FeatureNames {

  Set<String> featureServiceNames();

  Set<String> featureViewNames();
}
