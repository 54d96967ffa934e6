package io.goldgate.access;

import io.goldgate.GoldgateException;
import java.net.URI;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Lets a recipient sign in with its own identity provider (OIDC federation): a token from {@code
 * issuer}, meant for one of {@code audiences}, whose claim {@code subjectClaim} is (or, for an array
 * claim such as {@code groups}, contains) {@code subject}, acts as the recipient.
 *
 * @param issuer the {@code iss} the tokens carry, exactly; also where the issuer's keys are
 *     discovered ({@code <issuer>/.well-known/openid-configuration})
 * @param audiences the token's {@code aud} must name at least one
 * @param subjectClaim the claim that says who the caller is: {@code sub}, {@code azp}, {@code oid},
 *     {@code appid}, {@code client_id}, {@code groups}, ...
 * @param subject the value that claim must have
 */
public record FederationPolicy(String issuer, List<String> audiences, String subjectClaim, String subject) {

  /** Most policies one recipient may have. */
  public static final int MAX_PER_RECIPIENT = 20;

  /** Most audiences one policy may list. */
  public static final int MAX_AUDIENCES = 20;

  /** Longest issuer, audience or subject, in characters. */
  public static final int MAX_TEXT = 1024;

  public static final String DEFAULT_SUBJECT_CLAIM = "sub";

  private static final Pattern CLAIM_NAME = Pattern.compile("[A-Za-z0-9_:.\\-]{1,64}");

  public FederationPolicy {
    audiences = audiences == null ? List.of() : List.copyOf(audiences);
    subjectClaim = subjectClaim == null ? DEFAULT_SUBJECT_CLAIM : subjectClaim;
  }

  /**
   * Checks the policy can ever match, so an operator learns of a typo when declaring it and not
   * from a partner's failed sign-in.
   *
   * @param where how the caller names the policy in errors ({@code federationPolicies[0]})
   * @param allowHttp whether an {@code http:} issuer off loopback is allowed
   * @throws GoldgateException INVALID_ARGUMENT naming the field
   */
  public FederationPolicy validated(String where, boolean allowHttp) {
    text(where + ".issuer", issuer);
    String problem = IssuerUrls.problem(issuer, allowHttp);
    if (problem != null) {
      throw GoldgateException.invalid(where + ".issuer: " + problem);
    }
    if (audiences.isEmpty()) {
      throw GoldgateException.invalid(where + ".audiences: name at least one audience the tokens are issued for");
    }
    if (audiences.size() > MAX_AUDIENCES) {
      throw GoldgateException.invalid(where + ".audiences: at most " + MAX_AUDIENCES);
    }
    for (int i = 0; i < audiences.size(); i++) {
      text(where + ".audiences[" + i + "]", audiences.get(i));
    }
    if (!CLAIM_NAME.matcher(subjectClaim).matches()) {
      throw GoldgateException.invalid(where + ".subjectClaim: 1-64 letters, digits, '_', ':', '.' or '-'");
    }
    text(where + ".subject", subject);
    return this;
  }

  private static void text(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw GoldgateException.invalid(field + ": required");
    }
    if (value.length() > MAX_TEXT) {
      throw GoldgateException.invalid(field + ": at most " + MAX_TEXT + " characters");
    }
  }

  /** Validates a recipient's policies, as {@link #validated} each. */
  public static List<FederationPolicy> validated(String field, List<FederationPolicy> policies, boolean allowHttp) {
    if (policies == null) {
      return List.of();
    }
    if (policies.size() > MAX_PER_RECIPIENT) {
      throw GoldgateException.invalid(field + ": at most " + MAX_PER_RECIPIENT + " policies");
    }
    for (int i = 0; i < policies.size(); i++) {
      if (policies.get(i) == null) {
        throw GoldgateException.invalid(field + "[" + i + "]: must be an object");
      }
      policies.get(i).validated(field + "[" + i + "]", allowHttp);
    }
    return List.copyOf(policies);
  }

  /** The issuers a list of policies names, for indexes. */
  public static java.util.Set<String> issuers(List<FederationPolicy> policies) {
    var out = new java.util.LinkedHashSet<String>();
    policies.forEach(p -> out.add(p.issuer()));
    return out;
  }

  /** Where the issuer's discovery document is, by OIDC Discovery 1.0 section 4. */
  public static URI discoveryUri(String issuer) {
    String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    return URI.create(base + "/.well-known/openid-configuration");
  }
}
