package io.goldgate.sharing.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** A share as listed by {@code GET /shares} and returned by {@code GET /shares/{share}}. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ShareItem(String name, String id, String comment, Map<String, String> properties) {}
