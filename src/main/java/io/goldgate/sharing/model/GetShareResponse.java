package io.goldgate.sharing.model;

/** Body of {@code GET /shares/{share}}. */
public record GetShareResponse(ShareItem share) {}
