package io.goldgate.lake;

import java.nio.file.Path;

/**
 * A Delta table the gateway may read: where it lives and the name to use in messages (never the
 * path, which callers outside the lake must not see).
 */
public record TableRef(Path root, String displayName) {}
