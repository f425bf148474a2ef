package dev.sluice.execution.aggregate;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Assigns dense ids 0, 1, 2... to distinct byte-string keys, in the order they are first seen. Keys are
 * copied into one growing byte array (no object per key); the table is open addressing with linear probing
 * over group ids, kept at most half full, and stores each key's hash so probes and rehashes rarely touch
 * key bytes.
 */
final class GroupByHash {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private byte[] keyBytes = new byte[1024];
    /** Key of group g: keyBytes[keyOffsets[g], keyOffsets[g + 1]). */
    private int[] keyOffsets = new int[65];
    private int[] hashes = new int[64];
    private int groupCount;
    /** Group id + 1 per slot; 0 is empty. */
    private int[] table = new int[128];
    private int mask = table.length - 1;

    /** The id of the key {@code bytes[offset, offset + length)}, adding it (as id {@link #groupCount()}) if new. */
    int putIfAbsent(byte[] bytes, int offset, int length) {
        return putIfAbsent(bytes, offset, length, hash(bytes, offset, length));
    }

    /** As {@link #putIfAbsent(byte[], int, int)}, given the key's {@link #hash}. */
    int putIfAbsent(byte[] bytes, int offset, int length, int hash) {
        int slot = hash & mask;
        for (int entry = table[slot]; entry != 0; entry = table[slot]) {
            int group = entry - 1;
            int start = keyOffsets[group];
            if (hashes[group] == hash && keyOffsets[group + 1] - start == length
                    && equal(keyBytes, start, bytes, offset, length)) {
                return group;
            }
            slot = (slot + 1) & mask;
        }
        return add(bytes, offset, length, hash, slot);
    }

    private int add(byte[] bytes, int offset, int length, int hash, int slot) {
        int group = groupCount;
        if (group == hashes.length) {
            hashes = Arrays.copyOf(hashes, group * 2);
            keyOffsets = Arrays.copyOf(keyOffsets, group * 2 + 1);
        }
        int start = keyOffsets[group];
        if (start + length > keyBytes.length) {
            keyBytes = Arrays.copyOf(keyBytes, Math.max(keyBytes.length * 2, start + length));
        }
        System.arraycopy(bytes, offset, keyBytes, start, length);
        keyOffsets[group + 1] = start + length;
        hashes[group] = hash;
        table[slot] = group + 1;
        groupCount++;
        if (groupCount * 2 > table.length) {
            rehash(table.length * 2);
        }
        return group;
    }

    private void rehash(int capacity) {
        table = new int[capacity];
        mask = capacity - 1;
        for (int group = 0; group < groupCount; group++) {
            int slot = hashes[group] & mask;
            while (table[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            table[slot] = group + 1;
        }
    }

    int groupCount() {
        return groupCount;
    }

    /** The array holding every key; valid until the next {@link #putIfAbsent}. */
    byte[] keyBytes() {
        return keyBytes;
    }

    int keyOffset(int group) {
        return keyOffsets[group];
    }

    int keyLength(int group) {
        return keyOffsets[group + 1] - keyOffsets[group];
    }

    /** A copy of the key of {@code group}. */
    byte[] key(int group) {
        return Arrays.copyOfRange(keyBytes, keyOffsets[group], keyOffsets[group + 1]);
    }

    /**
     * A 64-bit multiply-xorshift hash of the bytes, folded to 32 bits; the low bits are well mixed. Reads 8 bytes
     * at a time; the last 1-7 bytes of a key of 8 bytes or more are read as the (overlapping) last 8.
     */
    static int hash(byte[] bytes, int offset, int length) {
        long h = 0x9E3779B97F4A7C15L ^ length;
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            h = (h ^ (long) LONG.get(bytes, offset + i)) * 0xBF58476D1CE4E5B9L;
            h ^= h >>> 29;
        }
        if (i < length) {
            if (length >= 8) {
                h = (h ^ (long) LONG.get(bytes, offset + length - 8)) * 0x94D049BB133111EBL;
            } else {
                for (; i < length; i++) {
                    h = (h ^ bytes[offset + i]) * 0x94D049BB133111EBL;
                }
            }
        }
        h ^= h >>> 32;
        h *= 0xD6E8FEB86659FD93L;
        h ^= h >>> 32;
        return (int) h;
    }

    /**
     * Whether {@code a[aOffset, aOffset + length)} and {@code b[bOffset, bOffset + length)} hold the same bytes: 8 at
     * a time, as {@link Arrays#equals(byte[], int, int, byte[], int, int)} does, without its call and range checks
     * (a key is a few dozen bytes, compared once or twice per row).
     */
    static boolean equal(byte[] a, int aOffset, byte[] b, int bOffset, int length) {
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            if ((long) LONG.get(a, aOffset + i) != (long) LONG.get(b, bOffset + i)) {
                return false;
            }
        }
        if (i < length && length >= 8) {
            return (long) LONG.get(a, aOffset + length - 8) == (long) LONG.get(b, bOffset + length - 8);
        }
        for (; i < length; i++) {
            if (a[aOffset + i] != b[bOffset + i]) {
                return false;
            }
        }
        return true;
    }
}
