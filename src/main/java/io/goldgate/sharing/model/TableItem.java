package io.goldgate.sharing.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A table as listed by the two table listing calls. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TableItem(String name, String schema, String share, String shareId, String id) {}
