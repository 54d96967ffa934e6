package io.goldgate.lake;

import io.goldgate.storage.TableLocation;

/**
 * A Delta table the gateway may read: where it lives and the name to use in messages (never the
 * path, which callers outside the lake must not see).
 */
public record TableRef(TableLocation location, String displayName) {}
