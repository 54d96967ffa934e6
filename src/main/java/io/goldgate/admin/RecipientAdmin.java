package io.goldgate.admin;

import io.goldgate.GoldgateException;
import io.goldgate.access.CredentialKind;
import io.goldgate.access.FeatureNames;
import io.goldgate.access.FeatureWriteGrants;
import io.goldgate.access.FederationPolicy;
import io.goldgate.access.IpRange;
import io.goldgate.access.Recipient;
import io.goldgate.access.RecipientStore;
import io.goldgate.access.Secrets;
import io.goldgate.access.StoredRecipient;
import io.goldgate.access.StoredRecipient.Activation;
import io.goldgate.access.StoredRecipient.StoredToken;
import io.goldgate.admin.model.ActivationLink;
import io.goldgate.admin.model.CreateRecipientRequest;
import io.goldgate.admin.model.FederationPoliciesRequest;
import io.goldgate.admin.model.IssueTokenRequest;
import io.goldgate.admin.model.IssuedLink;
import io.goldgate.admin.model.RecipientFeatureWrites;
import io.goldgate.admin.model.RecipientView;
import io.goldgate.admin.model.SharingProfile;
import io.goldgate.admin.model.UpdateRecipientRequest;
import io.goldgate.catalog.CatalogHolder;
import io.goldgate.catalog.Share;
import io.goldgate.config.GoldgateConfig;
import io.goldgate.http.RoutePaths;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The lifecycle of recipients created through the admin API: create, change, grant, issue a token
 * through a one-time activation link, rotate with a grace period, revoke, delete. Recipients of
 * the share catalog are listed too, but are read-only here.
 */
@ApplicationScoped
public class RecipientAdmin {

  private static final Logger LOG = Logger.getLogger(RecipientAdmin.class);
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  /** Most entries of each list or map of a request (shares, featureServices, ipAllowList, properties). */
  static final int MAX_ENTRIES = 100;
  /** A property name: what share definitions can refer to. */
  private static final Pattern PROPERTY_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
  static final int MAX_PROPERTY_VALUE = 1000;
  static final int MAX_ADDRESS_LENGTH = 64;
  /** Tokens that stopped working longer ago than this are forgotten at the recipient's next change. */
  static final Duration FORGET_ENDED_TOKENS_AFTER = Duration.ofDays(30);

  private final CatalogHolder catalog;
  private final RecipientStore store;
  private final GoldgateConfig config;
  private final FeatureNames featureNames;
  private final Clock clock;

  @jakarta.inject.Inject
  public RecipientAdmin(CatalogHolder catalog, RecipientStore store, GoldgateConfig config, FeatureNames featureNames) {
    this(catalog, store, config, featureNames, Clock.systemUTC());
  }

  RecipientAdmin(CatalogHolder catalog, RecipientStore store, GoldgateConfig config, FeatureNames featureNames, Clock clock) {
    this.catalog = catalog;
    this.store = store;
    this.config = config;
    this.featureNames = featureNames;
    this.clock = clock;
  }

  // ---- reading -------------------------------------------------------------------------------

  /** Every recipient, catalog ones first, each group by name. */
  public List<RecipientView> list() {
    Instant now = clock.instant();
    var views = new ArrayList<RecipientView>();
    catalog.catalog().recipients().stream().sorted(Comparator.comparing(Recipient::name)).forEach(r -> views.add(catalogView(r, now)));
    store.list().forEach(r -> views.add(view(r, now)));
    return views;
  }

  public RecipientView get(String name) {
    Instant now = clock.instant();
    Optional<Recipient> declared = catalogRecipient(name);
    if (declared.isPresent()) {
      return catalogView(declared.get(), now);
    }
    return view(store.get(key(name)).orElseThrow(() -> unknown(name)), now);
  }

  // ---- changing ------------------------------------------------------------------------------

  public IssuedLink create(CreateRecipientRequest request, URI requestBase) {
    if (request.name() == null || request.name().isBlank()) {
      throw GoldgateException.invalid("name: required");
    }
    if (!NAME.matcher(request.name()).matches()) {
      throw GoldgateException.invalid(
          "name: '" + shorten(request.name()) + "' must be 1-64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    if (catalogRecipient(request.name()).isPresent()) {
      throw new GoldgateException(
          GoldgateException.Kind.CONFLICT, "Recipient '" + request.name() + "' is already declared in the share catalog (shares/*.yaml)");
    }
    String comment = comment(request.comment());
    List<String> shares = shares(request.shares());
    Map<String, String> properties = properties(request.properties());
    List<String> ipAllowList = ipAllowList(request.ipAllowList());
    Duration lifetime = AdminDuration.TOKEN_LIFETIME.parse(request.tokenLifetime());
    Instant now = clock.instant();
    String code = Secrets.random();
    List<String> services = featureServices(request.featureServices());
    List<FederationPolicy> policies = federationPolicies(request.federationPolicies());
    CredentialKind credential = credential(request.credential(), true);
    Activation activation = credential == null ? null : activation(code, lifetime, credential, now);
    var recipient =
        new StoredRecipient(request.name(), comment, shares, properties, ipAllowList, List.of(), activation, now, now, services, policies);
    if (!store.create(recipient)) {
      throw new GoldgateException(GoldgateException.Kind.CONFLICT, "Recipient '" + request.name() + "' already exists");
    }
    LOG.infof(
        "Recipient '%s' created with shares %s; %s", recipient.name(), shares, activation == null ? "no activation link" : "activation link issued");
    return new IssuedLink(view(recipient, now), activation == null ? null : link(activation, code, requestBase), null);
  }

  public RecipientView update(String name, UpdateRecipientRequest request) {
    String comment = request.comment() == null ? null : comment(request.comment());
    Map<String, String> properties = request.properties() == null ? null : properties(request.properties());
    List<String> ipAllowList = request.ipAllowList() == null ? null : ipAllowList(request.ipAllowList());
    StoredRecipient updated =
        change(name, (r, now) -> r.withDetails(
            comment == null ? r.comment() : comment,
            properties == null ? r.properties() : properties,
            ipAllowList == null ? r.ipAllowList() : ipAllowList,
            now));
    LOG.infof("Recipient '%s' updated", updated.name());
    return view(updated, clock.instant());
  }

  public RecipientView grant(String name, String share) {
    String canonical = shareName("share", share);
    StoredRecipient updated =
        change(name, (r, now) -> {
          var shares = new LinkedHashSet<>(r.shares());
          shares.removeIf(s -> s.equalsIgnoreCase(canonical));
          shares.add(canonical);
          return r.withShares(List.copyOf(shares), now);
        });
    LOG.infof("Recipient '%s' granted share '%s'", updated.name(), canonical);
    return view(updated, clock.instant());
  }

  public RecipientView revokeGrant(String name, String share) {
    StoredRecipient updated =
        change(name, (r, now) -> {
          if (r.shares().stream().noneMatch(s -> s.equalsIgnoreCase(share))) {
            throw GoldgateException.notFound("Share '" + share + "' is not granted to recipient '" + r.name() + "'");
          }
          return r.withShares(r.shares().stream().filter(s -> !s.equalsIgnoreCase(share)).toList(), now);
        });
    LOG.infof("Recipient '%s' no longer granted share '%s'", updated.name(), share);
    return view(updated, clock.instant());
  }

  /** Grants a feature service: its features, of views over bare locations, become readable. */
  public RecipientView grantFeatureService(String name, String service) {
    String known = featureService("service", service);
    StoredRecipient updated =
        change(name, (r, now) -> {
          var services = new LinkedHashSet<>(r.featureServices());
          services.add(known);
          return r.withFeatureServices(List.copyOf(services), now);
        });
    LOG.infof("Recipient '%s' granted feature service '%s'", updated.name(), known);
    return view(updated, clock.instant());
  }

  public RecipientView revokeFeatureService(String name, String service) {
    StoredRecipient updated =
        change(name, (r, now) -> {
          if (!r.featureServices().contains(service)) {
            throw GoldgateException.notFound("Feature service '" + service + "' is not granted to recipient '" + r.name() + "'");
          }
          return r.withFeatureServices(r.featureServices().stream().filter(s -> !s.equals(service)).toList(), now);
        });
    LOG.infof("Recipient '%s' no longer granted feature service '%s'", updated.name(), service);
    return view(updated, clock.instant());
  }

  // ---- feature write grants (the property goldgate.featureWrites) ------------------------------

  /** The feature views the recipient may write; catalog recipients too, read-only. */
  public RecipientFeatureWrites featureWrites(String name) {
    Optional<Recipient> declared = catalogRecipient(name);
    if (declared.isPresent()) {
      return new RecipientFeatureWrites(declared.get().name(), FeatureWriteGrants.granted(declared.get().properties()));
    }
    return featureWrites(store.get(key(name)).orElseThrow(() -> unknown(name)));
  }

  /**
   * Lets the recipient write {@code view} (or every view, {@code *}); granting what it may already
   * write changes nothing. Stored in the property, so the next request of the recipient sees it.
   */
  public RecipientFeatureWrites grantFeatureWrite(String name, String view) {
    String granted = writableView(view);
    StoredRecipient updated =
        change(name, (r, now) -> {
          List<String> entries = FeatureWriteGrants.granted(r.properties());
          if (entries.contains(granted) || entries.contains(FeatureWriteGrants.EVERY_VIEW)) {
            return r;
          }
          var more = new ArrayList<>(entries);
          more.add(granted);
          return withFeatureWrites(r, more, now);
        });
    LOG.infof("Recipient '%s' granted writes of feature view '%s'", updated.name(), granted);
    return featureWrites(updated);
  }

  /**
   * Takes back the write grant of {@code view} (or the {@code *} entry); from the recipient's next
   * request on it cannot write the view. A view granted only through {@code *} cannot be taken
   * back alone: the property has no way to say "every view but this one".
   */
  public RecipientFeatureWrites revokeFeatureWrite(String name, String view) {
    StoredRecipient updated =
        change(name, (r, now) -> {
          List<String> entries = FeatureWriteGrants.granted(r.properties());
          if (!view.equals(FeatureWriteGrants.EVERY_VIEW) && entries.contains(FeatureWriteGrants.EVERY_VIEW)) {
            throw new GoldgateException(
                GoldgateException.Kind.CONFLICT,
                "Recipient '" + r.name() + "' may write every feature view ('*'): take back '*' (DELETE /admin/recipients/" + r.name()
                    + "/feature-writes/*), then grant the views it keeps one by one");
          }
          if (!entries.contains(view)) {
            throw view.equals(FeatureWriteGrants.EVERY_VIEW) || featureNames.featureViewNames().contains(view)
                ? GoldgateException.notFound("Writes of feature view '" + shorten(view) + "' are not granted to recipient '" + r.name() + "'")
                : unknownView(view);
          }
          return withFeatureWrites(r, entries.stream().filter(v -> !v.equals(view)).toList(), now);
        });
    LOG.infof("Recipient '%s' no longer granted writes of feature view '%s'", updated.name(), view);
    return featureWrites(updated);
  }

  private static RecipientFeatureWrites featureWrites(StoredRecipient r) {
    return new RecipientFeatureWrites(r.name(), FeatureWriteGrants.granted(r.properties()));
  }

  /** The recipient with the property set to {@code views}, or removed when there are none. */
  private static StoredRecipient withFeatureWrites(StoredRecipient r, List<String> views, Instant now) {
    var properties = new TreeMap<>(r.properties());
    if (views.isEmpty()) {
      properties.remove(FeatureWriteGrants.PROPERTY);
    } else {
      String value = FeatureWriteGrants.value(views);
      if (value.length() > MAX_PROPERTY_VALUE) {
        throw GoldgateException.invalid(
            "properties." + FeatureWriteGrants.PROPERTY + ": at most " + MAX_PROPERTY_VALUE + " characters; this grant would make it "
                + value.length() + " (grant '*' for every view)");
      }
      if (!properties.containsKey(FeatureWriteGrants.PROPERTY)) {
        entries("properties", properties.size() + 1);
      }
      properties.put(FeatureWriteGrants.PROPERTY, value);
    }
    return r.withDetails(r.comment(), properties, r.ipAllowList(), now);
  }

  /** @throws GoldgateException NOT_FOUND for a view no feature definition declares ({@code *} is every view) */
  private String writableView(String view) {
    if (view == null || !view.equals(FeatureWriteGrants.EVERY_VIEW) && !featureNames.featureViewNames().contains(view)) {
      throw unknownView(view);
    }
    return view;
  }

  private static GoldgateException unknownView(String view) {
    return GoldgateException.notFound("No feature view '" + shorten(view) + "' (feature views are case-sensitive)");
  }

  /**
   * A new activation link. The recipient's current tokens keep working for the grace period, then
   * stop; an earlier link that was not opened yet stops at once.
   */
  public IssuedLink issueToken(String name, IssueTokenRequest request, URI requestBase) {
    Duration grace = AdminDuration.GRACE_PERIOD.parse(request.gracePeriod());
    Duration lifetime = AdminDuration.TOKEN_LIFETIME.parse(request.tokenLifetime());
    CredentialKind credential = credential(request.credential(), false);
    String code = Secrets.random();
    Instant[] previousEnd = {null};
    StoredRecipient updated =
        change(name, (r, now) -> {
          Instant graceEnd = grace == null ? now : now.plus(grace);
          previousEnd[0] = null;
          List<StoredToken> tokens =
              r.mapTokens(t -> {
                if (!t.activeAt(now)) return t;
                Instant end = t.expiresAt() != null && t.expiresAt().isBefore(graceEnd) ? t.expiresAt() : graceEnd;
                previousEnd[0] = previousEnd[0] == null || end.isAfter(previousEnd[0]) ? end : previousEnd[0];
                return t.endingAt(end);
              });
          return r.withTokens(tokens, now).withActivation(activation(code, lifetime, credential, now), now);
        });
    LOG.infof("Recipient '%s' issued a new activation link; previous tokens end at %s", updated.name(), previousEnd[0]);
    return new IssuedLink(view(updated, clock.instant()), link(updated.activation(), code, requestBase), previousEnd[0]);
  }

  /**
   * Replaces the recipient's federation policies. Tokens are matched against the stored policies on
   * every request, so a policy taken away stops its sign-ins from the next one.
   */
  public RecipientView replaceFederationPolicies(String name, FederationPoliciesRequest request) {
    if (request.federationPolicies() == null) {
      // Absent is not "none": an empty body must not silently drop every policy.
      throw GoldgateException.invalid("federationPolicies: required (an empty list removes every policy)");
    }
    List<FederationPolicy> policies = federationPolicies(request.federationPolicies());
    StoredRecipient updated = change(name, (r, now) -> r.withFederationPolicies(policies, now));
    LOG.infof("Recipient '%s': federation policies set for issuers %s", updated.name(), updated.federationIssuers());
    return view(updated, clock.instant());
  }

  /**
   * Locks the recipient out now: every token and client secret stops (with the access tokens they
   * obtained), a link not yet opened no longer works, and its federation policies are removed, so
   * no credential of any kind signs in as it from the next request.
   */
  public RecipientView revoke(String name) {
    StoredRecipient updated =
        change(name, (r, now) -> {
          List<StoredToken> tokens = r.mapTokens(t -> t.activeAt(now) ? t.revokedAt(now) : t);
          Activation pending = r.activation() != null && r.activation().usedAt() == null ? null : r.activation();
          return r.withTokens(tokens, now).withActivation(pending, now).withFederationPolicies(List.of(), now);
        });
    LOG.infof("Recipient '%s': every token and client secret revoked, federation policies removed", updated.name());
    return view(updated, clock.instant());
  }

  /**
   * Deletes a recipient created through this API. Also allowed when the catalog has since declared
   * the same name: that is how the shadowed API recipient is cleaned up.
   */
  public void delete(String name) {
    if (store.delete(key(name))) {
      LOG.infof("Recipient '%s' deleted", key(name));
      return;
    }
    refuseCatalog(name);
    throw unknown(name);
  }

  // ---- activation ----------------------------------------------------------------------------

  /**
   * Opens an activation link: makes the token (it exists in plain form only in this answer) and
   * marks the link used, atomically, so of two concurrent openings only one gets a token.
   */
  public ActivatedProfile activate(String code, URI requestBase) {
    String codeHash = Secrets.sha256Hex(code);
    StoredRecipient found = store.findByActivationHash(codeHash).orElseThrow(RecipientAdmin::unknownLink);
    String token = Secrets.random();
    String tokenHash = Secrets.sha256Hex(token);
    Instant[] expires = {null};
    StoredRecipient updated =
        store.update(found.name(), r -> {
          Instant now = clock.instant();
          Activation a = pendingLink(r, codeHash, now);
          expires[0] = a.tokenLifetimeSeconds() == null ? null : now.plusSeconds(a.tokenLifetimeSeconds());
          var tokens = new ArrayList<>(forgetOldTokens(r.tokens(), now));
          tokens.add(new StoredToken(tokenHash, now, expires[0], null, a.kind().wireName()));
          return r.withTokens(tokens, now).withActivation(a.usedAt(now), now);
        }).orElseThrow(RecipientAdmin::unknownLink);
    CredentialKind kind = updated.activation().kind();
    LOG.infof("Recipient '%s' activated a %s (expires %s)", updated.name(), kind.wireName(), expires[0] == null ? "never" : expires[0]);
    String endpoint = base(requestBase) + RoutePaths.SHARING;
    SharingProfile profile =
        kind == CredentialKind.CLIENT_SECRET
            ? SharingProfile.clientCredentials(endpoint, base(requestBase) + RoutePaths.OAUTH_TOKEN, updated.name(), token)
            : SharingProfile.bearerToken(endpoint, token, expires[0]);
    return new ActivatedProfile(updated.name(), profile);
  }

  /**
   * What an activation link is for, without opening it: looking is safe (mail scanners and link
   * previewers fetch every link they see), only {@link #activate} spends it.
   */
  public PendingLink describe(String code) {
    String codeHash = Secrets.sha256Hex(code);
    StoredRecipient found = store.findByActivationHash(codeHash).orElseThrow(RecipientAdmin::unknownLink);
    Activation a = pendingLink(found, codeHash, clock.instant());
    return new PendingLink(
        found.name(),
        a.expiresAt(),
        a.tokenLifetimeSeconds() == null ? null : Duration.ofSeconds(a.tokenLifetimeSeconds()).toString(),
        a.kind() == CredentialKind.CLIENT_SECRET ? "oauth_client_credentials" : "bearer_token");
  }

  /**
   * A link that would give a token if opened now.
   *
   * @param tokenLifetime ISO-8601 lifetime of the token it would make, null for none
   * @param credential {@code bearer_token} or {@code oauth_client_credentials}: what the profile holds
   */
  public record PendingLink(String recipient, Instant expiresAt, String tokenLifetime, String credential) {}

  /** The recipient's activation if {@code codeHash} is its link and the link can still be opened. */
  private static Activation pendingLink(StoredRecipient r, String codeHash, Instant now) {
    Activation a = r.activation();
    if (a == null || !a.codeSha256().equals(codeHash)) {
      throw unknownLink();
    }
    if (a.usedAt() != null) {
      throw GoldgateException.notFound(
          "This activation link was already used at " + a.usedAt() + ": it works once. Ask the data provider for a new link");
    }
    if (!now.isBefore(a.expiresAt())) {
      throw GoldgateException.notFound("This activation link expired at " + a.expiresAt() + ": ask the data provider for a new link");
    }
    return a;
  }

  /** The profile and whose it is (for the file name offered to browsers). */
  public record ActivatedProfile(String recipient, SharingProfile profile) {}

  // ---- helpers -------------------------------------------------------------------------------

  private interface Change {
    StoredRecipient apply(StoredRecipient current, Instant now);
  }

  private StoredRecipient change(String name, Change change) {
    refuseCatalog(name);
    UnaryOperator<StoredRecipient> step = r -> {
      Instant now = clock.instant();
      StoredRecipient changed = change.apply(r, now);
      return changed.withTokens(forgetOldTokens(changed.tokens(), now), changed.updatedAt());
    };
    return store.update(key(name), step).orElseThrow(() -> unknown(name));
  }

  private static List<StoredToken> forgetOldTokens(List<StoredToken> tokens, Instant now) {
    Instant horizon = now.minus(FORGET_ENDED_TOKENS_AFTER);
    return tokens.stream().filter(t -> t.endsAt() == null || t.endsAt().isAfter(horizon)).toList();
  }

  private void refuseCatalog(String name) {
    if (catalogRecipient(name).isPresent()) {
      throw new GoldgateException(
          GoldgateException.Kind.CONFLICT,
          "Recipient '" + name + "' is declared in the share catalog (shares/*.yaml) and is read-only through the admin API: change it there");
    }
  }

  private Optional<Recipient> catalogRecipient(String name) {
    return catalog.declared(name);
  }

  private static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  private static GoldgateException unknown(String name) {
    return GoldgateException.notFound("Recipient '" + name + "' does not exist");
  }

  private static GoldgateException unknownLink() {
    return GoldgateException.notFound("This activation link does not exist or was replaced by a newer one: ask the data provider for a new link");
  }

  private Activation activation(String code, Duration lifetime, CredentialKind credential, Instant now) {
    return new Activation(
        Secrets.sha256Hex(code),
        now,
        now.plus(config.recipients().activationLinkLifetime()),
        lifetime == null ? null : lifetime.toSeconds(),
        null,
        credential.wireName());
  }

  /**
   * The kind of secret a link makes, by its admin API name; null for {@code none} (allowed when
   * creating a recipient that signs in by federation only).
   */
  private static CredentialKind credential(String name, boolean noneAllowed) {
    if (name == null || name.equals("bearer_token")) {
      return CredentialKind.BEARER_TOKEN;
    }
    if (name.equals("oauth_client_credentials")) {
      return CredentialKind.CLIENT_SECRET;
    }
    if (noneAllowed && name.equals("none")) {
      return null;
    }
    throw GoldgateException.invalid(
        "credential: '" + shorten(name) + "' must be bearer_token or oauth_client_credentials" + (noneAllowed ? ", or none" : ""));
  }

  private List<FederationPolicy> federationPolicies(List<FederationPolicy> policies) {
    return FederationPolicy.validated("federationPolicies", policies, config.federation().allowHttp());
  }

  private ActivationLink link(Activation activation, String code, URI requestBase) {
    return new ActivationLink(
        base(requestBase) + RoutePaths.ACTIVATION + code,
        activation.expiresAt(),
        activation.tokenLifetimeSeconds() == null ? null : Duration.ofSeconds(activation.tokenLifetimeSeconds()).toString());
  }

  /** The gateway's public base URL: configured, else the one the request came to. */
  private String base(URI requestBase) {
    String base = config.sharing().publicUrl().filter(u -> !u.isBlank()).orElse(requestBase.toString());
    int end = base.length();
    while (end > 0 && base.charAt(end - 1) == '/') end--;
    return base.substring(0, end);
  }

  private static String comment(String comment) {
    if (comment != null && comment.length() > 1000) {
      throw GoldgateException.invalid("comment: at most 1000 characters");
    }
    return comment;
  }

  private List<String> shares(List<String> names) {
    if (names == null) {
      return List.of();
    }
    entries("shares", names.size());
    var canonical = new LinkedHashSet<String>();
    for (int i = 0; i < names.size(); i++) {
      canonical.add(shareName("shares[" + i + "]", names.get(i)));
    }
    return List.copyOf(canonical);
  }

  private List<String> featureServices(List<String> names) {
    if (names == null) {
      return List.of();
    }
    entries("featureServices", names.size());
    var known = new LinkedHashSet<String>();
    for (int i = 0; i < names.size(); i++) {
      known.add(featureService("featureServices[" + i + "]", names.get(i)));
    }
    return List.copyOf(known);
  }

  /** @throws GoldgateException INVALID_ARGUMENT naming {@code field} for a service no definition declares */
  private String featureService(String field, String name) {
    if (name == null || !featureNames.featureServiceNames().contains(name)) {
      throw GoldgateException.invalid(field + ": no feature service '" + shorten(name) + "' is defined (feature services are case-sensitive)");
    }
    return name;
  }

  private String shareName(String field, String name) {
    if (name == null || name.isBlank()) {
      throw GoldgateException.invalid(field + ": a share name is required");
    }
    return catalog.catalog().share(name).map(Share::name)
        .orElseThrow(() -> GoldgateException.invalid(field + ": unknown share '" + shorten(name) + "'"));
  }

  private static Map<String, String> properties(Map<String, String> properties) {
    if (properties == null) {
      return Map.of();
    }
    entries("properties", properties.size());
    var out = new TreeMap<String, String>();
    for (var entry : properties.entrySet()) {
      if (entry.getKey() == null || !PROPERTY_NAME.matcher(entry.getKey()).matches()) {
        throw GoldgateException.invalid(
            "properties: a property name is 1-128 letters, digits, '_', '.' or '-', got '" + shorten(entry.getKey()) + "'");
      }
      if (entry.getValue() == null) {
        throw GoldgateException.invalid("properties." + entry.getKey() + ": a value is required (a string)");
      }
      if (entry.getValue().length() > MAX_PROPERTY_VALUE) {
        throw GoldgateException.invalid("properties." + entry.getKey() + ": at most " + MAX_PROPERTY_VALUE + " characters");
      }
      out.put(entry.getKey(), entry.getValue());
    }
    return out;
  }

  /** @throws GoldgateException INVALID_ARGUMENT when a list or map of a request is longer than {@link #MAX_ENTRIES} */
  private static void entries(String field, int size) {
    if (size > MAX_ENTRIES) {
      throw GoldgateException.invalid(field + ": at most " + MAX_ENTRIES + " entries, got " + size);
    }
  }

  private static String shorten(String text) {
    return text == null || text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }

  private static List<String> ipAllowList(List<String> entries) {
    if (entries == null) {
      return List.of();
    }
    entries("ipAllowList", entries.size());
    var out = new ArrayList<String>();
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i) != null && entries.get(i).length() > MAX_ADDRESS_LENGTH) {
        throw GoldgateException.invalid("ipAllowList[" + i + "]: at most " + MAX_ADDRESS_LENGTH + " characters");
      }
      try {
        out.add(IpRange.parse(entries.get(i)).toString());
      } catch (IllegalArgumentException e) {
        throw GoldgateException.invalid("ipAllowList[" + i + "]: " + e.getMessage());
      }
    }
    return out;
  }

  // ---- views ---------------------------------------------------------------------------------

  private static RecipientView view(StoredRecipient r, Instant now) {
    var tokens =
        r.tokens().stream()
            .map(t -> new RecipientView.TokenView(
                t.activeAt(now) ? "active" : t.revokedAt() != null && !now.isBefore(t.revokedAt()) ? "revoked" : "expired",
                t.issuedAt(), t.expiresAt(), t.revokedAt(), t.kind().wireName()))
            .toList();
    Activation a = r.activation();
    RecipientView.ActivationView activation =
        a == null ? null
            : new RecipientView.ActivationView(
                a.usedAt() != null ? "used" : now.isBefore(a.expiresAt()) ? "pending" : "expired", a.createdAt(), a.expiresAt(), a.usedAt());
    return new RecipientView(
        r.name(), "api", r.comment(), r.shares(), r.properties(), r.ipAllowList(), tokens, activation, r.createdAt(), r.updatedAt(), r.featureServices(),
        r.federationPolicies());
  }

  private static RecipientView catalogView(Recipient r, Instant now) {
    var tokens =
        r.tokens().stream()
            .map(t -> new RecipientView.TokenView(
                t.expiresAt() == null || now.isBefore(t.expiresAt()) ? "active" : "expired", null, t.expiresAt(), null, t.kind().wireName()))
            .toList();
    return new RecipientView(
        r.name(), "catalog", null, r.grantedShares().stream().sorted().toList(), new TreeMap<>(r.properties()),
        r.ipAllowList().stream().map(IpRange::toString).toList(), tokens, null, null, null, r.grantedFeatureServices().stream().sorted().toList(),
        r.federationPolicies());
  }
}
