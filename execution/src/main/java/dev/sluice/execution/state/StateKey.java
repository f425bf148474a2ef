package dev.sluice.execution.state;

import java.util.Arrays;

/** An encoded key as a hash map key: equality and hash by content. The array is never modified. */
final class StateKey {
    private final byte[] bytes;
    private final int hash;

    StateKey(byte[] bytes) {
        this.bytes = bytes;
        this.hash = KeyHash.of(bytes);
    }

    byte[] bytes() {
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StateKey other && hash == other.hash && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
