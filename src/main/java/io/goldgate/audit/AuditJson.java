package io.goldgate.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.goldgate.audit.model.AuditEvent;

/** The stored form of an event: one JSON object, ISO-8601 times, no id (the store assigns it). */
final class AuditJson {

  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private AuditJson() {}

  static String write(AuditEvent event) {
    try {
      return MAPPER.writeValueAsString(event.withId(null));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The event of one stored line, or null when the line is not one (a torn write). */
  static AuditEvent read(String json, String id) {
    try {
      return MAPPER.readValue(json, AuditEvent.class).withId(id);
    } catch (JsonProcessingException | RuntimeException e) {
      return null;
    }
  }
}
