package io.goldgate.http;

/** The protocol's error body. */
public record ErrorResponse(String errorCode, String message) {}
