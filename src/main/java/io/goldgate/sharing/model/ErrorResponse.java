package io.goldgate.sharing.model;

/** The protocol's error body. */
public record ErrorResponse(String errorCode, String message) {}
