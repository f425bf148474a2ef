package dev.sluice.execution.operator;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.state.KeyHash;
import java.util.Arrays;

/**
 * An encoded key (a partition key, a join key, a group's keys: their columns' bytes as {@code RowCodec}
 * writes them) as a hash map key: equality and hash by content, and an order (unsigned bytes) that is the
 * same in every run. Equal SQL keys have equal bytes, and different keys different bytes, whatever their
 * values print as. The array is never modified.
 */
record EncodedKey(byte[] bytes, int hash) implements Comparable<EncodedKey> {
    EncodedKey {
        requireNonNull(bytes, "bytes is null");
    }

    EncodedKey(byte[] bytes) {
        this(bytes, KeyHash.of(bytes));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncodedKey other && hash == other.hash && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(EncodedKey other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    @Override
    public String toString() {
        return "EncodedKey" + Arrays.toString(bytes);
    }
}
