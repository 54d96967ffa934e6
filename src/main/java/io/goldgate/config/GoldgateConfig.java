package io.goldgate.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Everything an operator can set under the {@code goldgate.} prefix. */
@ConfigMapping(prefix = "goldgate")
public interface GoldgateConfig {

  /** Where shares, schemas, tables and recipients are declared. */
  Shares shares();

  /** The Delta Sharing REST endpoint. */
  Sharing sharing();

  /** Who the clients of the HTTP endpoints and the Flight endpoint are. */
  Http http();

  interface Http {
    /**
     * Reverse proxies (and gRPC proxies) whose forwarding header is believed, as CIDRs such as
     * {@code 10.0.0.0/8} or {@code 2001:db8::/32}. Empty (the default): forwarding headers are
     * ignored and the socket peer is the client, for IP allow-lists and the audit log alike. When
     * the socket peer is in this list, the header {@link #forwardedHeader()} is read from the
     * right, past every entry that is itself a trusted proxy; the first other entry is the client.
     * Quarkus' {@code quarkus.http.proxy.proxy-address-forwarding} is not needed and changes
     * nothing here.
     */
    Optional<java.util.List<String>> trustedProxies();

    /**
     * Which header the trusted proxies write: {@code x-forwarded-for} ({@code X-Forwarded-For},
     * also read from gRPC metadata on Flight) or {@code forwarded} (RFC 7239 {@code for=}). Only
     * this one is read: a header the proxies pass through untouched would be the client's own.
     */
    @WithDefault("x-forwarded-for")
    ForwardedHeader forwardedHeader();
  }

  /** Keys used to sign file URLs and page tokens. */
  Signing signing();

  /** Delta table access. */
  Lake lake();

  /** How object-store table locations are reached. */
  Storage storage();

  /** The Arrow Flight endpoint for bulk reads. */
  Flight flight();

  /** Online features: definitions, and the Feast project their Redis keys belong to. */
  Features features();

  interface Features {
    /** Whether feature definitions are loaded at all. */
    @WithDefault("true")
    boolean enabled();

    /**
     * Directory of the {@code *.yaml} feature definitions (env {@code GOLDGATE_FEATURES_DIR}). A
     * missing directory means no features.
     */
    @WithDefault("feature-defs")
    java.nio.file.Path dir();

    /** The Feast project name: part of every Redis key, as in Feast's Redis online store. */
    @WithDefault("goldgate")
    String project();

    /** Largest number of entity rows one online request may ask for. */
    @WithDefault("1000")
    int maxEntities();

    /** Whether views are materialized on their {@code schedule} (the trigger endpoint always works). */
    @WithDefault("true")
    boolean scheduleEnabled();

    /** Rows written to the online store per pipelined batch during materialization. */
    @WithDefault("1000")
    int writeBatch();

    /**
     * Most rows one {@code POST /push} or {@code POST /write-to-online-store} may carry; a larger
     * body is refused whole (400), so a request is validated and held in memory at a known size.
     */
    @WithDefault("10000")
    @Min(1)
    int pushMaxRows();

    /**
     * How often each online view's watermark is read to notice that the online store lost it
     * (Redis restarted empty, flushed); a lost view is materialized again in full at once. 0 turns
     * the check off. Values come back within this interval plus the time of a full materialization.
     */
    @WithDefault("15s")
    Duration storeCheckInterval();
  }

  /** The Redis that holds online features and, when set, recipients and audit. */
  Redis redis();

  /** Where an embedded-mode replica keeps state that must survive restarts. */
  State state();

  interface State {
    /**
     * Directory for runtime state when no Redis is configured (env {@code GOLDGATE_STATE_DIR}):
     * recipients created through the admin API, the audit log. Created when missing.
     */
    @WithDefault("data")
    Path dir();
  }

  /** The audit log of recipient access: one event per sharing request, Flight call and file download. */
  Audit audit();

  interface Audit {
    /** Whether access is audited at all. */
    @WithDefault("true")
    boolean enabled();

    /**
     * Events waiting for the background writer, at most. Recording never blocks a request: when
     * the queue is full, or the sink fails, the event is dropped and counted
     * ({@code goldgate.audit.dropped}).
     */
    @WithDefault("10000")
    int queueCapacity();

    /**
     * Approximate length of the Redis stream {@code goldgate:audit} (Redis mode): older entries
     * are trimmed ({@code XADD ... MAXLEN ~}).
     */
    @WithDefault("1000000")
    long redisMaxLength();

    /**
     * Size at which the current JSON-lines file under {@code <state dir>/audit/} is closed and a new
     * one started (embedded mode).
     */
    @WithDefault("16M")
    io.quarkus.runtime.configuration.MemorySize fileMaxSize();

    /** How many audit files are kept (embedded mode), the current one included; older ones are deleted. */
    @WithDefault("10")
    int fileKeep();

    /**
     * Unauthenticated failures (HTTP 401, Flight UNAUTHENTICATED): past these limits they are
     * counted and summarized, one event per address per interval, not stored one by one.
     */
    Unauthenticated unauthenticated();

    interface Unauthenticated {
      /** Failures one client address may have stored one by one per interval. */
      @WithDefault("5")
      @jakarta.validation.constraints.Min(0)
      int burst();

      /**
       * Failures stored one by one per interval, all addresses together; also the most per-address
       * summaries per interval (the rest fold into one summary without an address). One interval
       * stores at most {@code 2 * budget + 1} events about unauthenticated failures.
       */
      @WithDefault("50")
      @jakarta.validation.constraints.Min(0)
      int budget();

      /** Length of an interval. */
      @WithDefault("1m")
      Duration interval();

      /** Client addresses tallied at once per interval; failures from further ones are counted together. */
      @WithDefault("10000")
      @jakarta.validation.constraints.Min(0)
      int maxAddresses();
    }
  }

  /** The operator API under {@code /admin}. */
  Admin admin();

  /** The operator console in the browser, under {@code /console}. */
  Console console();

  interface Console {
    /**
     * Whether the console is served. Off, every path under {@code /console} answers 404; the admin
     * API (and its bearer token) is unaffected. Without {@code goldgate.admin.token} the console
     * is served but nobody can sign in.
     */
    @WithDefault("true")
    boolean enabled();

    /**
     * How long a console session lasts from sign-in, from 1 minute to 7 days: the expiry of the
     * session cookie, which is signed with {@code goldgate.signing.key}, so every replica sharing
     * that key accepts it. Sign-out ends a session at once (on every replica when Redis is
     * configured); changing {@code goldgate.admin.token} ends every session. Shortening the
     * lifetime also shortens sessions already open.
     */
    @WithDefault("8h")
    Duration sessionLifetime();
  }

  /** Recipients created through the admin API. */
  Recipients recipients();

  interface Recipients {
    /**
     * How long an activation link works if nobody opens it. The link hands out the recipient's
     * token once; an unused link past this age answers 404 and a new one must be issued.
     */
    @WithDefault("7d")
    Duration activationLinkLifetime();
  }

  /** The short-lived access tokens the gateway issues to recipients' OAuth clients. */
  OAuth oauth();

  interface OAuth {
    /**
     * The {@code iss} of the access tokens the gateway's token endpoint issues. They are signed
     * with a key derived from {@code goldgate.signing.key}, so every replica sharing that key
     * accepts them. An identity provider named in a federation policy must not use this issuer.
     */
    @WithDefault("goldgate")
    @Size(min = 1, max = 1024)
    String issuer();

    /**
     * How long an access token works, from 10 seconds to 1 day. Clients fetch a new one once fewer
     * than 600 seconds remain (the Delta Sharing connectors do), so a lifetime above that spares
     * a token request per call. A token never outlives the client secret that obtained it, and a
     * revoked or rotated-out secret stops its tokens at once.
     */
    @WithDefault("1h")
    Duration tokenLifetime();
  }

  /** Recipients signing in with their own identity provider (OIDC federation policies). */
  Federation federation();

  interface Federation {
    /** Tolerance for clocks that disagree, applied to a token's {@code exp} and {@code nbf}; at most 5 minutes. */
    @WithDefault("60s")
    Duration clockSkew();

    /** Longest an identity provider's keys are used before they are fetched again. */
    @WithDefault("10m")
    Duration keysRefreshInterval();

    /**
     * Longest a provider's keys stay in use when it cannot be reached to fetch them again. Past
     * it, its tokens get a retryable 503: a key the provider withdrew must not keep working for
     * as long as the provider happens to be down.
     */
    @WithDefault("24h")
    Duration keysMaxAge();

    /**
     * Shortest time between two fetches of one provider's keys. A token naming a key the gateway
     * does not know (the provider rotated its keys) causes a fetch, at most this often, so forged
     * key ids cannot turn the gateway into a flood against the provider.
     */
    @WithDefault("30s")
    Duration keysMinRefreshInterval();

    /** Time allowed to fetch a provider's discovery document or keys. */
    @WithDefault("5s")
    Duration fetchTimeout();

    /**
     * Whether issuers may be plain http URLs off loopback (an in-cluster provider behind a mesh
     * that adds TLS). Off, an http issuer is accepted only on loopback.
     */
    @WithDefault("false")
    boolean allowHttp();

    /** Most identity providers whose keys are kept; the least recently used one is dropped past it. */
    @WithDefault("100")
    @Min(1)
    @Max(10000)
    int maxIssuers();
  }

  interface Admin {
    /**
     * Bearer token of the operator API (env {@code GOLDGATE_ADMIN_TOKEN}), at least 32 characters.
     * No recipient token is ever accepted there. Absent: the admin API answers 403 to everyone. A
     * shorter one stops start-up, so a forgotten placeholder never guards the operator API.
     */
    Optional<@Size(min = 32, message = "must be at least 32 characters") String> token();
  }

  interface Redis {
    /**
     * Redis URI (env {@code GOLDGATE_REDIS_URL}), e.g. {@code redis://:password@host:6379/0} or
     * {@code rediss://host:6380} for TLS. Absent: an embedded in-process store is used.
     */
    Optional<String> url();

    /** Treat {@link #url()} as a seed node of a Redis Cluster. */
    @WithDefault("false")
    boolean cluster();

    /** Longest a request waits for Redis before answering 503. */
    @WithDefault("500ms")
    Duration timeout();
  }

  interface Flight {
    /** Whether the Flight server runs at all. */
    @WithDefault("true")
    boolean enabled();

    /** Interface the Flight server binds to. */
    @WithDefault("0.0.0.0")
    String host();

    /** Port of the Flight server (0 picks a free one, for tests). */
    @WithDefault("8815")
    int port();

    /** PEM certificate chain; with {@link #tlsKey()} the server speaks TLS (grpc+tls). */
    Optional<java.nio.file.Path> tlsCertificate();

    /** PEM private key of {@link #tlsCertificate()}. */
    Optional<java.nio.file.Path> tlsKey();

    /** How many endpoints (parallel streams) a table read is split into at most. */
    @WithDefault("4")
    int maxEndpoints();

    /** Rows per record batch sent to clients. */
    @WithDefault("65536")
    int batchRows();

    /** Arrow memory one stream may hold at once; a stream needing more fails instead of the server. */
    @WithDefault("512M")
    io.quarkus.runtime.configuration.MemorySize streamMemoryLimit();

    /**
     * Bytes one Flight connection may queue for its socket before its streams wait (Netty's write
     * high-water mark; the low mark is half of it), from 64K to 256M. Netty's own default, 64K,
     * made every 64 KiB HTTP/2 frame a write of its own, a wake-up of the client per frame. Each
     * connection can hold up to this much beside the batches its streams are producing.
     */
    @WithDefault("4M")
    io.quarkus.runtime.configuration.MemorySize sendBuffer();

    /**
     * Scratch disk (under {@code java.io.tmpdir}) one data file may take while it is read: a copy
     * of a file in an object store (the native reader reads local files), and an uncompressed copy
     * of a file whose codec the native reader lacks (Brotli). A file needing more is refused with
     * an error naming this key. Applies to Flight, Flight SQL and materialization.
     */
    @WithDefault("1G")
    io.quarkus.runtime.configuration.MemorySize scratchLimit();

    /**
     * Whether the Flight server warms its read path once the gateway has started, on a background
     * thread: it loads arrow-dataset's native library and reads and serializes a bundled three-row
     * Parquet file the way a DoGet does, so the first partner read does not pay about a second for
     * it. Readiness does not wait for it; it logs at INFO when done, at WARN (and nothing else) when
     * it fails. Not run when Flight is disabled.
     */
    @WithDefault("true")
    boolean warmUp();

    /** Flight SQL queries beyond the simple SELECT: the embedded engine's bounds. */
    Sql sql();

    interface Sql {
      /**
       * Memory one query's engine may use (hash tables, sorts, copies of tables it scans twice); a
       * query needing more fails with RESOURCE_EXHAUSTED naming this key. Nothing spills to disk.
       */
      @WithDefault("1G")
      io.quarkus.runtime.configuration.MemorySize memoryLimit();

      /** Threads one query's engine and its table scans use. */
      @WithDefault("2")
      @Min(1)
      @Max(64)
      int threads();

      /** Queries (and query descriptions) running at once; one more is refused with RESOURCE_EXHAUSTED. */
      @WithDefault("4")
      @Min(1)
      @Max(1024)
      int maxConcurrentQueries();

      /** How long a query may run before it is stopped with TIMED_OUT. */
      @WithDefault("10m")
      java.time.Duration timeout();
    }
  }

  interface Storage {
    /** S3 and S3-compatible stores, for {@code s3://bucket/prefix} table locations. */
    S3 s3();

    interface S3 {
      /** Region of the buckets. */
      @WithDefault("us-east-1")
      String region();

      /** Endpoint of an S3-compatible store, e.g. {@code http://minio:9000}; AWS when absent. */
      Optional<String> endpoint();

      /** Address buckets as {@code endpoint/bucket/key} rather than {@code bucket.endpoint/key}. */
      @WithDefault("false")
      boolean pathStyleAccess();

      /** Static credentials; when absent the AWS default provider chain is used (env, profile, IAM role). */
      Optional<String> accessKeyId();

      /** Secret of {@link #accessKeyId()}. */
      Optional<String> secretAccessKey();
    }

    /**
     * Azure Blob Storage and ADLS Gen2, for {@code abfss://container@account.dfs.core.windows.net/prefix}
     * (and {@code abfs}, {@code wasbs}, {@code wasb}) table locations.
     */
    Azure azure();

    interface Azure {
      /**
       * Blob service endpoint, for emulators and sovereign clouds, e.g.
       * {@code http://127.0.0.1:10000/{account}} for Azurite; {@code {account}} is replaced by the
       * location's account. When absent, the blob endpoint of the location's own host is used
       * ({@code .dfs.} becomes {@code .blob.}, so sovereign-cloud hosts keep their suffix).
       */
      Optional<String> endpoint();

      /**
       * Storage account key (Shared Key), e.g. from env {@code GOLDGATE_STORAGE_AZURE_ACCOUNT_KEY}.
       * Files are shared as service SAS URLs signed with it, read-only and for one blob each. When
       * no credential key is set, the gateway signs in with Azure AD: {@link #clientSecret()}
       * when set, else the default chain (managed identity, workload identity, environment, Azure
       * CLI), and shares files as user delegation SAS URLs.
       */
      Optional<String> accountKey();

      /**
       * A SAS token the gateway reads the storage with (no leading {@code ?}), for operators who
       * may not hand it a key or an identity. The gateway cannot derive narrower per-file URLs
       * from it, so Delta Sharing queries of tables it reads this way are refused (400, naming the
       * table); Flight, Flight SQL and feature materialization read them.
       */
      Optional<String> sasToken();

      /**
       * Azure AD tenant of {@link #clientSecret()}'s service principal; without a secret, the
       * tenant the default chain signs in to.
       */
      Optional<String> tenantId();

      /**
       * Application (client) id of {@link #clientSecret()}'s service principal; without a secret,
       * the client id of a user-assigned managed identity or workload identity.
       */
      Optional<String> clientId();

      /** Secret of a service principal ({@link #tenantId()} and {@link #clientId()} required). */
      Optional<String> clientSecret();
    }

    /** Google Cloud Storage, for {@code gs://bucket/prefix} table locations. */
    Gcs gcs();

    interface Gcs {
      /**
       * Endpoint of a GCS-compatible server (emulators, Private Service Connect endpoints), scheme
       * and host only, e.g. {@code http://127.0.0.1:4443}; {@code https://storage.googleapis.com}
       * when absent. Signed file URLs point at it too (path style).
       */
      Optional<@Pattern(regexp = "https?://[^/?#\\s]+/?", message = "must be http(s)://host[:port], without a path") String> endpoint();

      /**
       * Google Cloud project of the buckets; when absent, the one the credentials name (a
       * service-account key's {@code project_id}) or the environment's. Reads do not need it.
       */
      Optional<String> projectId();

      /**
       * A service-account key (JSON) to read the buckets and sign file URLs with. When absent,
       * Application Default Credentials: {@code GOOGLE_APPLICATION_CREDENTIALS}, gcloud's
       * application-default login, or the GCE/GKE metadata server (workload identity), which signs
       * URLs through IAM {@code signBlob}.
       */
      Optional<Path> credentialsFile();
    }
  }

  interface Shares {
    /**
     * Directory holding the {@code *.yaml} share catalog files (env {@code GOLDGATE_SHARES_DIR}).
     * Relative table locations in a file are resolved against the file's own directory.
     */
    @WithDefault("shares")
    Path dir();
  }

  interface Sharing {
    /**
     * Base URL that recipients use to reach this gateway, e.g. {@code https://share.example.com}.
     * File URLs are built on it. When absent, the base URL of each incoming request is used, which
     * is right unless a proxy rewrites the host.
     */
    Optional<String> publicUrl();

    /** How long a pre-signed file URL stays valid. */
    @WithDefault("1h")
    Duration urlLifetime();

    /**
     * How long the page tokens and refresh tokens of table queries stay valid. A refresh token lets
     * a client re-issue URLs for the version it started reading, for this long.
     */
    @WithDefault("1d")
    Duration queryTokenLifetime();

    /** Largest page a list call returns, whatever {@code maxResults} asks for. */
    @WithDefault("500")
    int maxPageSize();

    /**
     * Deflate level of NDJSON responses (query, changes, metadata) sent gzip-compressed to clients
     * that accept it ({@code Accept-Encoding: gzip}): 1 is fastest, 9 smallest, 0 never compresses.
     * Level 1 already shrinks a query response about fivefold (its URLs repeat most of their text)
     * for less CPU than writing the uncompressed bytes to a remote client costs.
     */
    @WithDefault("1")
    @Min(0)
    @Max(9)
    int gzipLevel();

    /**
     * Heap that submitted asynchronous queries ({@code asyncquery=true}) may take on one replica
     * when no Redis is configured: each keeps its request, predicate hints included, until it
     * expires with {@link #queryTokenLifetime()}; beyond this the least recently polled are
     * forgotten first (their polls then answer 404). With Redis the requests are kept there, each
     * with a TTL, so any replica answers a poll.
     */
    @WithDefault("64M")
    io.quarkus.runtime.configuration.MemorySize asyncQueryMemory();
  }

  interface Signing {
    /**
     * Secret for the HMAC-SHA256 signatures of file URLs and page tokens (env {@code
     * GOLDGATE_SIGNING_KEY}), at least 32 characters. All replicas of one deployment must share it.
     * When absent a random key is made at start-up, so URLs and page tokens die with the process. A
     * shorter one stops start-up.
     */
    Optional<@Size(min = 32, message = "must be at least 32 characters") String> key();
  }

  interface Lake {
    /** How many table snapshots (with their file lists) stay cached, across all tables. */
    @WithDefault("64")
    int snapshotCacheSize();

    /**
     * How many parsed commits (table versions) stay cached for change data feed and streaming
     * queries, across all tables. A commit of n files costs about n * 500 bytes.
     */
    @WithDefault("2000")
    int changeCacheVersions();

    /**
     * Heap the cached snapshots may take together, by estimate (their file lists with stats):
     * which versions are cached is the requests' choice, so their count alone bounds nothing.
     */
    @WithDefault("512M")
    io.quarkus.runtime.configuration.MemorySize snapshotCacheMemory();

    /** Heap the cached commits of change queries may take together, by estimate. */
    @WithDefault("256M")
    io.quarkus.runtime.configuration.MemorySize changeCacheMemory();
  }

  /** Log output. */
  Log log();

  interface Log {
    /**
     * Write console log lines as one JSON object each (env {@code GOLDGATE_LOG_JSON}), with
     * {@code timestamp}, {@code level}, {@code logger}, {@code message}, {@code thread}, the MDC
     * (trace ids when tracing is on) and {@code exception}; for log collectors. Lines written
     * before the application starts (Quarkus' own boot messages) stay plain text.
     */
    @WithDefault("false")
    boolean json();
  }
}
