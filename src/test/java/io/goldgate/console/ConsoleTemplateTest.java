package io.goldgate.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The page templates, the redirect rule after sign-in and the origin check, without a gateway. */
class ConsoleTemplateTest {

  @Test
  void givenValues_thenEachIsEscapedWhereItsPlaceholderStood() {
    ConsoleTemplate template = ConsoleTemplate.parse("t", "<p title=\"{{a}}\">{{ b }}</p><i data-x='{{a}}'></i>");

    assertEquals(Set.of("a", "b"), template.placeholders());
    assertEquals(
        "<p title=\"&quot;&gt;&lt;script&gt;\">&lt;b&gt; &amp; &#39;</p><i data-x='&quot;&gt;&lt;script&gt;'></i>",
        template.render(Map.of("a", "\"><script>", "b", "<b> & '")));
  }

  @Test
  void givenAMissingValueOrABrokenPlaceholder_thenItFailsLoudly() {
    assertThrows(IllegalStateException.class, () -> ConsoleTemplate.parse("t", "{{a}}").render(Map.of()));
    assertThrows(IllegalStateException.class, () -> ConsoleTemplate.parse("t", "{{a"));
    assertThrows(IllegalStateException.class, () -> ConsoleTemplate.parse("t", "{{a b}}"));
  }

  @Test
  void givenTheShippedTemplates_thenTheyUseExactlyThePlaceholdersTheResourceFills() {
    assertEquals(Set.of("title", "page", "params", "csrf"), ConsoleTemplate.load("console/shell.html").placeholders());
    assertEquals(Set.of("next", "error", "hint"), ConsoleTemplate.load("console/login.html").placeholders());
  }

  @Test
  void givenTheShippedTemplates_thenTheyHoldNoInlineScriptOrStyle() {
    for (String name : new String[] {"console/shell.html", "console/login.html"}) {
      String page = ConsoleTemplate.load(name).render(Map.of("title", "", "page", "", "params", "", "csrf", "", "next", "", "error", "", "hint", ""));
      assertFalse(page.contains("<style"), name);
      assertFalse(page.matches("(?s).*<script(?![^>]*\\ssrc=)[^>]*>.*"), name + " has an inline script");
      assertFalse(page.matches("(?s).*\\s(style|on[a-z]+)=.*"), name + " has an inline style or event handler");
    }
  }

  @Test
  void givenANextPath_thenOnlyConsolePathsAreFollowed() {
    for (String safe : new String[] {"/console", "/console/", "/console/tables", "/console/audit?recipient=acme&from=2026-01-01T00:00:00Z",
        "/console/tables/retail/gold/sales%20daily"}) {
      assertEquals(safe, LocalRedirects.safe(safe));
    }
    for (String unsafe : new String[] {null, "", "https://evil.example/", "//evil.example", "/\\evil.example", "/console/../admin",
        "/console/%2e%2e/admin", "/console//evil.example", "/admin/status", "/consolex", "javascript:alert(1)", "/console/\r\nSet-Cookie:x",
        "/console/" + "a".repeat(LocalRedirects.MAX_LENGTH), "/console/a b", "/console/#x"}) {
      assertEquals("/console/", LocalRedirects.safe(unsafe), String.valueOf(unsafe));
    }
  }

  @Test
  void givenAnOrigin_thenOnlyThisGatewaysHostsPass() {
    assertTrue(SameOrigin.allowed(null, "gw:8080"), "no Origin: not a cross-site browser post");
    assertTrue(SameOrigin.allowed("http://gw:8080", "gw:8080"));
    assertTrue(SameOrigin.allowed("https://GW.example.com", "gw.example.com:443"));
    assertTrue(SameOrigin.allowed("https://share.example.com", "10.0.0.5:8080", null, "share.example.com"));
    assertFalse(SameOrigin.allowed("https://evil.example", "gw:8080"));
    assertFalse(SameOrigin.allowed("http://gw:8081", "gw:8080"));
    assertFalse(SameOrigin.allowed("null", "gw:8080"));
    assertFalse(SameOrigin.allowed("not an origin", "gw:8080"));
    assertFalse(SameOrigin.allowed("https://evil.example", (String) null));
    assertEquals("share.example.com", SameOrigin.authorityOfUrl("https://share.example.com/base"));
  }
}
