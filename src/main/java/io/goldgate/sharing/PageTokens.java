package io.goldgate.sharing;

import io.goldgate.GoldgateException;
import io.goldgate.access.Signer;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Page tokens of the list calls: the sort key of the last item returned, signed together with the
 * listing it belongs to (recipient and parent object), so a token cannot be forged, edited or
 * replayed against another listing. Keyed on names rather than offsets, pages stay correct when
 * the catalog changes between calls.
 */
@ApplicationScoped
public class PageTokens {

  private static final String PURPOSE = "page-token";
  private final Signer signer;

  public PageTokens(Signer signer) {
    this.signer = signer;
  }

  public String encode(String listing, String lastKey) {
    String key = Base64.getUrlEncoder().withoutPadding().encodeToString(lastKey.getBytes(StandardCharsets.UTF_8));
    return key + "." + signer.sign(PURPOSE, listing + "\n" + lastKey);
  }

  /** The last key a token carries; a token not made for this listing is refused. */
  public String decode(String listing, String token) {
    int dot = token.indexOf('.');
    if (dot < 0) {
      throw invalid();
    }
    String lastKey;
    try {
      lastKey = new String(Base64.getUrlDecoder().decode(token.substring(0, dot)), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
    if (!signer.verify(PURPOSE, listing + "\n" + lastKey, token.substring(dot + 1))) {
      throw invalid();
    }
    return lastKey;
  }

  private static GoldgateException invalid() {
    return GoldgateException.invalid("Invalid pageToken: it was not issued for this listing or has been altered");
  }
}
