package io.goldgate.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A share catalog for tests, built in a temporary directory before the gateway starts. It shares
 * the bundled sample tables (written by delta-rs, see shares/sample-lake/regenerate.py) in place,
 * plus copies that tests need in a particular state: one with a corrupt log, one whose commits
 * carry known timestamps.
 */
public class SampleLake implements QuarkusTestResourceLifecycleManager {

  public static final String PARTNER_TOKEN = "test-partner-token";
  public static final String ANALYST_TOKEN = "test-analyst-token";
  public static final String EXPIRED_TOKEN = "test-expired-token";
  public static final String SIGNING_KEY = "test-signing-key-0123456789abcdef0123456789";

  /**
   * Recipients of share {@code regional} (see {@link #regionalYaml()}): properties region=EMEA,
   * event_day=2024-03-02 and warehouse=WH-BER; region=APAC, event_day=2024-03-03 and
   * warehouse=WH-SIN; none; region=emea (wrong case).
   */
  public static final String EMEA_TOKEN = "test-regional-emea-token";
  public static final String APAC_TOKEN = "test-regional-apac-token";
  public static final String NO_REGION_TOKEN = "test-regional-no-region-token";
  public static final String LOWERCASE_REGION_TOKEN = "test-regional-lowercase-token";

  /** Commit times given to the commits of {@code retail.history.timed_sales}, version i at index i. */
  public static final Instant[] TIMED_COMMITS = {
    Instant.parse("2026-01-05T00:00:00Z"),
    Instant.parse("2026-01-06T00:00:00Z"),
    Instant.parse("2026-01-07T00:00:00Z"),
    Instant.parse("2026-01-08T00:00:00Z"),
    Instant.parse("2026-01-09T00:00:00Z"),
  };

  /** Recipient of share {@code conformance} (see {@link #conformanceYaml()}) and of nothing else. */
  public static final String CONFORMANCE_TOKEN = "test-conformance-token";

  public static final Path SAMPLE_LAKE = Path.of("shares", "sample-lake").toAbsolutePath();
  /**
   * Small tables written by delta-rs that real lakes have and the sample lake lacks (strings across
   * Unicode planes, Brotli and Hadoop-LZ4 Parquet), see src/test/conformance-lake/regenerate.py.
   */
  public static final Path CONFORMANCE_LAKE = Path.of("src", "test", "conformance-lake").toAbsolutePath();
  /** Tables written by Delta Spark with advanced features, see shares/feature-lake/regenerate.py. */
  public static final Path FEATURE_LAKE = Path.of("shares", "feature-lake").toAbsolutePath();

  private Path dir;

  @Override
  public Map<String, String> start() {
    try {
      dir = Files.createTempDirectory("goldgate-test-catalog");
      Path timed = copy(SAMPLE_LAKE.resolve("sales_daily"), dir.resolve("timed_sales"));
      for (int v = 0; v < TIMED_COMMITS.length; v++) {
        Files.setLastModifiedTime(timed.resolve(String.format("_delta_log/%020d.json", v)), FileTime.from(TIMED_COMMITS[v]));
      }
      copy(SAMPLE_LAKE.resolve("sales_daily"), dir.resolve("growing_sales"));
      Path timedEvents = copy(FEATURE_LAKE.resolve("events_cdf"), dir.resolve("timed_events"));
      for (int v = 0; v < TIMED_COMMITS.length; v++) {
        Files.setLastModifiedTime(timedEvents.resolve(String.format("_delta_log/%020d.json", v)), FileTime.from(TIMED_COMMITS[v]));
      }
      Files.setLastModifiedTime(timedEvents.resolve(String.format("_delta_log/%020d.json", 5)), FileTime.from(Instant.parse("2026-01-10T00:00:00Z")));
      copy(SAMPLE_LAKE.resolve("customer_features"), dir.resolve("growing_customers"));
      Path features = Files.createDirectories(dir.resolve("feature-defs"));
      try (Stream<Path> defs = Files.list(Path.of("feature-defs"))) {
        for (Path def : (Iterable<Path>) defs::iterator) {
          Files.copy(def, features.resolve(def.getFileName()));
        }
      }
      Files.writeString(features.resolve("test-growing.yaml"), """
          featureViews:
            - name: growing_customer_stats
              source: {table: retail.history.growing_customers}
              entities: [customer]
              timestampColumn: last_order_ts
              features:
                - {name: lifetime_value, type: Float64}
                - {name: segment, type: String}
          """, StandardCharsets.UTF_8);
      // Views governed like their tables: one over a table whose rows are restricted per
      // recipient, one over a bare location, readable only through the feature service granted
      // to recipient "conformance".
      Files.writeString(features.resolve("test-governed.yaml"), """
          featureViews:
            - name: regional_inventory
              source: {table: regional.gold.inventory_by_warehouse}
              entities: [stock_item]
              timestampColumn: updated_at
              features:
                - {name: on_hand, type: Int32}
            - name: location_customer_stats
              source: {location: %s}
              entities: [customer]
              timestampColumn: last_order_ts
              features:
                - {name: lifetime_value, type: Float64}
                - {name: segment, type: String}
          featureServices:
            - name: location_service
              features: [location_customer_stats:lifetime_value]
          """.formatted(SAMPLE_LAKE.resolve("customer_features")), StandardCharsets.UTF_8);
      Path missing = copy(SAMPLE_LAKE.resolve("customer_features"), dir.resolve("missing_file_customers"));
      // Delete the file the last commit (v3, an append) added, so the log references a lost file.
      String lastCommit = Files.readString(missing.resolve(String.format("_delta_log/%020d.json", 3)));
      java.util.regex.Matcher added = java.util.regex.Pattern.compile("\"add\":\\{\"path\":\"([^\"]+)\"").matcher(lastCommit);
      if (!added.find()) {
        throw new IllegalStateException("customer_features v3 adds no file");
      }
      Files.delete(missing.resolve(java.net.URLDecoder.decode(added.group(1), StandardCharsets.UTF_8)));
      Path corrupt = copy(SAMPLE_LAKE.resolve("inventory_levels"), dir.resolve("corrupt_inventory"));
      Files.writeString(corrupt.resolve(String.format("_delta_log/%020d.json", 3)), "{\"add\": {\"path\": \"broken\n", StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("test.yaml"), catalogYaml(), StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("test-regional.yaml"), regionalYaml(), StandardCharsets.UTF_8);
      damageParquet(copy(CONFORMANCE_LAKE.resolve("brotli_mixed"), dir.resolve("lzo_labelled")), false);
      damageParquet(copy(CONFORMANCE_LAKE.resolve("brotli_mixed"), dir.resolve("corrupt_brotli")), true);
      Files.writeString(dir.resolve("test-conformance.yaml"), conformanceYaml(), StandardCharsets.UTF_8);
      return Map.of(
          "goldgate.shares.dir", dir.toString(),
          "goldgate.signing.key", SIGNING_KEY,
          "goldgate.features.dir", dir.resolve("feature-defs").toString(),
          "goldgate.state.dir", dir.resolve("state").toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String catalogYaml() {
    return """
        shares:
          - name: retail
            comment: sample retail share
            schemas:
              - name: gold
                tables:
                  - name: sales_daily
                    location: %1$s/sales_daily
                    historyShared: true
                  - name: customer_features
                    location: %1$s/customer_features
                    historyShared: true
                  - name: inventory_levels
                    location: %1$s/inventory_levels
              - name: history
                tables:
                  - name: timed_sales
                    location: timed_sales
                    historyShared: true
                  - name: corrupt_inventory
                    location: corrupt_inventory
                  - name: growing_sales
                    location: growing_sales
                  - name: missing_file_customers
                    location: missing_file_customers
                  - name: growing_customers
                    location: growing_customers
          - name: features
            schemas:
              - name: delta
                tables:
                  - name: events_cdf
                    location: %5$s/events_cdf
                    historyShared: true
                  - name: events_cdf_latest_only
                    location: %5$s/events_cdf
                  - name: timed_events
                    location: timed_events
                    historyShared: true
                  - name: plain_cdf_off
                    location: %5$s/plain_cdf_off
                    historyShared: true
                  - name: orders_dv
                    location: %5$s/orders_dv
                    historyShared: true
                  - name: customers_cm
                    location: %5$s/customers_cm
                    historyShared: true
                  - name: readings_ntz
                    location: %5$s/readings_ntz
                    historyShared: true
          - name: finance
            schemas:
              - name: gold
                tables:
                  - name: customer_ltv
                    location: %1$s/customer_features
        recipients:
          - name: partner
            tokens:
              - hash: sha256:%2$s
            shares: [retail, features]
          - name: analyst
            tokens:
              - hash: sha256:%3$s
            shares: [RETAIL, finance]
          - name: former-partner
            tokens:
              - hash: sha256:%4$s
                expiresAt: 2020-01-01T00:00:00Z
            shares: [retail]
        """
        .formatted(SAMPLE_LAKE, sha256(PARTNER_TOKEN), sha256(ANALYST_TOKEN), sha256(EXPIRED_TOKEN), FEATURE_LAKE);
  }

  /**
   * Share {@code regional}: tables restricted per recipient by partition value
   * (recipientPartitionFilter), one misconfigured on a column that is not a partition column.
   */
  private String regionalYaml() {
    return """
        shares:
          - name: regional
            schemas:
              - name: gold
                tables:
                  - name: sales_daily
                    location: %1$s/sales_daily
                    historyShared: true
                    recipientPartitionFilter:
                      region: "${recipient.region}"
                  - name: emea_sales
                    location: %1$s/sales_daily
                    recipientPartitionFilter:
                      region: EMEA
                  - name: events_by_day
                    location: %2$s/events_cdf
                    historyShared: true
                    recipientPartitionFilter:
                      event_date: "${recipient.event_day}"
                  - name: misfiltered_sales
                    location: %1$s/sales_daily
                    recipientPartitionFilter:
                      store_id: "${recipient.region}"
                  - name: inventory_by_warehouse
                    location: %1$s/inventory_levels
                    recipientPartitionFilter:
                      warehouse: "${recipient.warehouse}"
        recipients:
          - name: regional-emea
            tokens:
              - hash: sha256:%3$s
            shares: [regional]
            properties:
              region: EMEA
              event_day: "2024-03-02"
              warehouse: WH-BER
          - name: regional-apac
            tokens:
              - hash: sha256:%4$s
            shares: [regional]
            properties:
              region: APAC
              event_day: "2024-03-03"
              warehouse: WH-SIN
          - name: regional-unassigned
            tokens:
              - hash: sha256:%5$s
            shares: [regional]
          - name: regional-lowercase
            tokens:
              - hash: sha256:%6$s
            shares: [regional]
            properties:
              region: emea
        """
        .formatted(SAMPLE_LAKE, FEATURE_LAKE, sha256(EMEA_TOKEN), sha256(APAC_TOKEN), sha256(NO_REGION_TOKEN), sha256(LOWERCASE_REGION_TOKEN));
  }

  /**
   * Damages the data file of partition {@code part=north} of a copy of brotli_mixed: either its
   * footer names codec LZO (which nothing here decodes) instead of BROTLI, or the body of its first
   * page is inverted so that it is no valid Brotli stream.
   */
  private static void damageParquet(Path table, boolean corruptPage) throws IOException {
    Path file;
    try (Stream<Path> files = Files.list(table.resolve("part=north"))) {
      file = files.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(file);
    org.apache.parquet.format.FileMetaData footer = io.goldgate.lake.parquet.ParquetRecoder.footer(file);
    var chunk = footer.getRow_groups().get(0).getColumns().get(0).getMeta_data();
    if (corruptPage) {
      long start = chunk.isSetDictionary_page_offset() && chunk.getDictionary_page_offset() > 0 ? chunk.getDictionary_page_offset() : chunk.getData_page_offset();
      var in = new java.io.ByteArrayInputStream(bytes, (int) start, bytes.length - (int) start);
      var header = org.apache.parquet.format.Util.readPageHeader(in);
      int body = bytes.length - in.available();
      for (int i = body; i < body + header.getCompressed_page_size(); i++) {
        bytes[i] = (byte) ~bytes[i];
      }
      Files.write(file, bytes);
      return;
    }
    footer.getRow_groups().forEach(g -> g.getColumns().forEach(c -> c.getMeta_data().setCodec(org.apache.parquet.format.CompressionCodec.LZO)));
    int footerLength = java.nio.ByteBuffer.wrap(bytes, bytes.length - 8, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
    var out = new java.io.ByteArrayOutputStream();
    out.write(bytes, 0, bytes.length - 8 - footerLength);
    var written = new java.io.ByteArrayOutputStream();
    org.apache.parquet.format.Util.writeFileMetaData(footer, written);
    written.writeTo(out);
    out.write(java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(written.size()).array());
    out.write("PAR1".getBytes(StandardCharsets.US_ASCII));
    Files.write(file, out.toByteArray());
  }

  /** Share {@code conformance}, schema {@code lake}: the tables of {@link #CONFORMANCE_LAKE}. */
  private String conformanceYaml() {
    return """
        shares:
          - name: conformance
            schemas:
              - name: lake
                tables:
                  - name: unicode_strings
                    location: %1$s/unicode_strings
                  - name: brotli_mixed
                    location: %1$s/brotli_mixed
                  - name: lz4_hadoop_mixed
                    location: %1$s/lz4_hadoop_mixed
                  - name: lzo_labelled
                    location: lzo_labelled
                  - name: corrupt_brotli
                    location: corrupt_brotli
        recipients:
          - name: conformance
            tokens:
              - hash: sha256:%2$s
            shares: [conformance]
            featureServices: [location_service]
        """
        .formatted(CONFORMANCE_LAKE, sha256(CONFORMANCE_TOKEN));
  }

  public static String sha256(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path source : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
    return to;
  }

  @Override
  public void stop() {
    if (dir == null) return;
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp dir left behind is harmless
    }
  }
}
