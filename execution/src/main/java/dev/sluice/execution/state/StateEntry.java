package dev.sluice.execution.state;

import static java.util.Objects.requireNonNull;

/**
 * One key and its value in a {@link StateStore}, both in the encoding of the store's schemas. The arrays are
 * shared with the store: callers must not modify them.
 */
public record StateEntry(byte[] key, byte[] value) {
    public StateEntry {
        requireNonNull(key, "key is null");
        requireNonNull(value, "value is null");
    }
}
