package io.goldgate.http;

/**
 * Escaping of text put into HTML, in element content and in quoted attribute values alike: the
 * pages the gateway renders itself (activation links, the console) put names into HTML.
 */
public final class Html {

  private Html() {}

  public static String escape(String text) {
    var out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
