package io.goldgate.admin.model;

import java.util.List;

/**
 * The feature views a recipient may write through Feast's feature server API (push, write to the
 * online store, materialize): its property {@code goldgate.featureWrites}, read as a list.
 *
 * @param featureViews view names in the order granted; {@code *} stands for every view
 */
public record RecipientFeatureWrites(String recipient, List<String> featureViews) {}
