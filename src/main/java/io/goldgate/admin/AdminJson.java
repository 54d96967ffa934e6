package io.goldgate.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.goldgate.GoldgateException;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Reads admin request bodies strictly: an unknown field is a typo the operator should hear about
 * (an ignored {@code ipAllowlist} would silently allow every address).
 */
@ApplicationScoped
public class AdminJson {

  private final ObjectMapper json;

  public AdminJson(ObjectMapper json) {
    this.json = json;
  }

  public <T> T read(String body, Class<T> type, boolean required) {
    if (body == null || body.isBlank()) {
      if (required) {
        throw new GoldgateException(GoldgateException.Kind.MALFORMED, "A JSON object is required as the request body");
      }
      body = "{}";
    }
    try {
      T value = json.readerFor(type).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(body);
      if (value == null) {
        throw new GoldgateException(GoldgateException.Kind.MALFORMED, "The request body must be a JSON object");
      }
      return value;
    } catch (UnrecognizedPropertyException e) {
      throw new GoldgateException(
          GoldgateException.Kind.MALFORMED, "Unknown field '" + e.getPropertyName() + "'; known fields: " + e.getKnownPropertyIds());
    } catch (JsonMappingException e) {
      String path = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]").reduce((a, b) -> a + "." + b).orElse("(body)");
      throw new GoldgateException(GoldgateException.Kind.MALFORMED, "The request body is not valid: " + path + ": " + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw new GoldgateException(GoldgateException.Kind.MALFORMED, "The request body is not valid JSON: " + e.getOriginalMessage());
    }
  }
}
