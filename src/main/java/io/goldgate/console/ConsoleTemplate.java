package io.goldgate.console;

import io.goldgate.http.Html;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An HTML file with {@code {{name}}} placeholders, parsed once. Every value is HTML-escaped when it
 * is put in, so no value can add markup (placeholders stand in element text and in quoted attribute
 * values only). Rendering with a placeholder left without a value fails, so a template and the code
 * filling it cannot drift apart unnoticed. Plain substitution is all the console's pages need: the
 * script renders their content from the admin API.
 */
final class ConsoleTemplate {

  private final String resource;
  /** Text before each placeholder, and after the last one. */
  private final List<String> texts;
  private final List<String> names;

  private ConsoleTemplate(String resource, List<String> texts, List<String> names) {
    this.resource = resource;
    this.texts = texts;
    this.names = names;
  }

  /** The template at {@code resource} on the class path. */
  static ConsoleTemplate load(String resource) {
    try (InputStream in = ConsoleTemplate.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("The console template " + resource + " is missing from the class path");
      }
      return parse(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the console template " + resource, e);
    }
  }

  static ConsoleTemplate parse(String resource, String text) {
    List<String> texts = new ArrayList<>();
    List<String> names = new ArrayList<>();
    int from = 0;
    while (true) {
      int open = text.indexOf("{{", from);
      if (open < 0) {
        break;
      }
      int close = text.indexOf("}}", open + 2);
      if (close < 0) {
        throw new IllegalStateException(resource + ": a placeholder opened at character " + open + " is never closed");
      }
      String name = text.substring(open + 2, close).strip();
      if (name.isEmpty() || !name.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '_')) {
        throw new IllegalStateException(resource + ": '" + name + "' is not a placeholder name");
      }
      texts.add(text.substring(from, open));
      names.add(name);
      from = close + 2;
    }
    texts.add(text.substring(from));
    return new ConsoleTemplate(resource, List.copyOf(texts), List.copyOf(names));
  }

  /** The placeholders the template uses. */
  Set<String> placeholders() {
    return new TreeSet<>(names);
  }

  /** The page, each placeholder replaced by its value, HTML-escaped. */
  String render(Map<String, String> values) {
    var out = new StringBuilder(4096);
    for (int i = 0; i < names.size(); i++) {
      out.append(texts.get(i));
      String value = values.get(names.get(i));
      if (value == null) {
        throw new IllegalStateException(resource + ": no value for {{" + names.get(i) + "}}");
      }
      out.append(Html.escape(value));
    }
    return out.append(texts.get(names.size())).toString();
  }
}
