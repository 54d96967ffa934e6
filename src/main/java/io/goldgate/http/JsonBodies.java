package io.goldgate.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.goldgate.GoldgateException;
import jakarta.inject.Singleton;
import java.util.Collection;

/**
 * Reads JSON request bodies as strictly as the protocols are: the body is one JSON object and
 * nothing after it, and a field holds the JSON type its schema says (no {@code "5"} for a number,
 * no {@code 1.5} for an integer, no number or boolean for a string). Each rejection is a
 * MALFORMED_REQUEST naming the field.
 *
 * <p>An absent body is only an empty one or one of JSON whitespace (space, tab, CR, LF): Java's
 * notion of blank also covers control characters such as 0x1E, which are not JSON.
 */
@Singleton
public class JsonBodies {

  private final ObjectMapper strict;

  public JsonBodies(ObjectMapper mapper) {
    ObjectMapper copy = mapper.copy();
    for (LogicalType type : new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
      copy.coercionConfigFor(type)
          .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    }
    copy.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
    copy.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
    copy.coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    copy.coercionConfigFor(LogicalType.Collection).setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    copy.coercionConfigFor(LogicalType.Map).setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    copy.coercionConfigFor(LogicalType.POJO).setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    this.strict = copy;
  }

  /** Whether the body is absent: empty, or nothing but JSON whitespace. */
  public static boolean isAbsent(String body) {
    return body == null || firstNonWhitespace(body) == body.length();
  }

  /** The index of the first character that is not JSON whitespace (space, tab, CR, LF). */
  private static int firstNonWhitespace(String text) {
    int i = 0;
    while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t' || text.charAt(i) == '\r' || text.charAt(i) == '\n')) {
      i++;
    }
    return i;
  }

  /**
   * The body as {@code type}; {@code empty} when the body is absent ({@code null} there: the body
   * is required).
   *
   * @param rejectUnknownFields whether a field the type does not know is an error (a typo the
   *     operator should hear about) or ignored (the forward compatibility a protocol asks)
   */
  public <T> T read(String body, Class<T> type, T empty, boolean rejectUnknownFields) {
    if (isAbsent(body)) {
      if (empty == null) {
        throw new GoldgateException(GoldgateException.Kind.MALFORMED, "A JSON object is required as the request body");
      }
      return empty;
    }
    if (body.charAt(firstNonWhitespace(body)) != '{') {
      throw new GoldgateException(GoldgateException.Kind.MALFORMED, "The request body must be a JSON object, starting with '{'");
    }
    ObjectReader reader = strict.readerFor(type)
        .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .without(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .with(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    reader = rejectUnknownFields
        ? reader.with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        : reader.without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    try {
      T value = reader.readValue(body);
      if (value == null) {
        throw new GoldgateException(GoldgateException.Kind.MALFORMED, "The request body must be a JSON object");
      }
      return value;
    } catch (UnrecognizedPropertyException e) {
      throw new GoldgateException(
          GoldgateException.Kind.MALFORMED, "Unknown field '" + e.getPropertyName() + "'; known fields: " + e.getKnownPropertyIds());
    } catch (JsonMappingException e) {
      String path = e.getPath().stream()
          .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
          .reduce((a, b) -> a + "." + b)
          .orElse("(body)");
      String problem = String.valueOf(e.getOriginalMessage()).startsWith("Trailing token")
          ? "nothing may follow the JSON object"
          : e instanceof MismatchedInputException m && m.getTargetType() != null
          ? "expected " + jsonType(m.getTargetType())
          : e.getOriginalMessage();
      throw new GoldgateException(GoldgateException.Kind.MALFORMED, "The request body is not valid: " + path + ": " + problem);
    } catch (JsonProcessingException e) {
      throw new GoldgateException(GoldgateException.Kind.MALFORMED, "The request body is not valid JSON: " + e.getOriginalMessage());
    }
  }

  /** The JSON type a field of Java type {@code type} holds, as the OpenAPI document names it. */
  private static String jsonType(Class<?> type) {
    if (type == Long.class || type == Integer.class || type == long.class || type == int.class) {
      return "an integer";
    }
    if (Number.class.isAssignableFrom(type)) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "a boolean (true or false)";
    }
    if (CharSequence.class.isAssignableFrom(type)) {
      return "a string";
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "an array";
    }
    return "an object";
  }
}
