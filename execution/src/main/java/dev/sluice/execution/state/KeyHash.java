package dev.sluice.execution.state;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The in-memory hash of an encoded key, for hash maps over key bytes. {@code Arrays.hashCode} mixes bytes by
 * 31, so keys that differ in their last bytes (ids, positions, big-endian) collide by the dozen and hash maps
 * fall back to trees; this one multiplies and xor-shifts 8 bytes at a time (as the aggregation's group table
 * does), so every byte moves every bit. Never persisted: key groups use CRC-32C ({@link KeyGroups}).
 */
public final class KeyHash {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private KeyHash() {
    }

    public static int of(byte[] bytes) {
        int length = bytes.length;
        long h = 0x9E3779B97F4A7C15L ^ length;
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            h = (h ^ (long) LONG.get(bytes, i)) * 0xBF58476D1CE4E5B9L;
            h ^= h >>> 29;
        }
        for (; i < length; i++) {
            h = (h ^ bytes[i]) * 0x94D049BB133111EBL;
            h ^= h >>> 29;
        }
        h ^= h >>> 32;
        h *= 0xD6E8FEB86659FD93L;
        h ^= h >>> 32;
        return (int) h;
    }
}
