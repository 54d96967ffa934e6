package io.goldgate.audit.model;

/**
 * Online feature lookups of one recipient: counted, not audited one by one.
 *
 * @param lookups successful {@code POST /get-online-features} calls
 * @param entityRows entity rows those calls asked for
 */
public record FeatureLookups(long lookups, long entityRows) {

  public static final FeatureLookups NONE = new FeatureLookups(0, 0);

  public FeatureLookups plus(FeatureLookups other) {
    return new FeatureLookups(lookups + other.lookups, entityRows + other.entityRows);
  }

  public FeatureLookups minus(FeatureLookups other) {
    return new FeatureLookups(lookups - other.lookups, entityRows - other.entityRows);
  }
}
