package io.goldgate.sharing.model;

/** A schema as listed by {@code GET /shares/{share}/schemas}. */
public record SchemaItem(String name, String share) {}
