package dev.sluice.execution.expr;

import org.apache.arrow.memory.util.MemoryUtil;

/**
 * Byte-level operations on UTF-8 text in memory. Comparing UTF-8 bytes as unsigned values orders strings by
 * code point, which is the order Sluice's VARCHAR comparisons use.
 */
final class Utf8 {
    private Utf8() {
    }

    /** Signed comparison of [a, a + aLength) with [b, b + bLength), unsigned bytewise, shorter first on ties. */
    static int compare(long a, int aLength, long b, int bLength) {
        int common = Math.min(aLength, bLength);
        int i = 0;
        for (; i + 8 <= common; i += 8) {
            long x = MemoryUtil.getLong(a + i);
            long y = MemoryUtil.getLong(b + i);
            if (x != y) {
                // Little-endian loads: reverse so the first byte is the most significant.
                return Long.compareUnsigned(Long.reverseBytes(x), Long.reverseBytes(y));
            }
        }
        for (; i < common; i++) {
            int x = MemoryUtil.getByte(a + i) & 0xFF;
            int y = MemoryUtil.getByte(b + i) & 0xFF;
            if (x != y) {
                return x - y;
            }
        }
        return Integer.compare(aLength, bLength);
    }

    static boolean equals(long a, int aLength, long b, int bLength) {
        return aLength == bLength && regionMatches(a, b, aLength);
    }

    /** Whether {@code length} bytes at {@code a} and {@code b} are equal. */
    static boolean regionMatches(long a, long b, int length) {
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            if (MemoryUtil.getLong(a + i) != MemoryUtil.getLong(b + i)) {
                return false;
            }
        }
        for (; i < length; i++) {
            if (MemoryUtil.getByte(a + i) != MemoryUtil.getByte(b + i)) {
                return false;
            }
        }
        return true;
    }

    /** Compares memory with a byte array, like {@link #compare(long, int, long, int)}. */
    static int compare(long a, int aLength, byte[] b) {
        int common = Math.min(aLength, b.length);
        for (int i = 0; i < common; i++) {
            int x = MemoryUtil.getByte(a + i) & 0xFF;
            int y = b[i] & 0xFF;
            if (x != y) {
                return x - y;
            }
        }
        return Integer.compare(aLength, b.length);
    }

    /** Whether {@code b.length} bytes at {@code a} equal {@code b}. */
    static boolean regionMatches(long a, byte[] b) {
        for (int i = 0; i < b.length; i++) {
            if (MemoryUtil.getByte(a + i) != b[i]) {
                return false;
            }
        }
        return true;
    }

    /** Position of the first occurrence of {@code needle} in [a, a + length), or -1. */
    static int indexOf(long a, int length, byte[] needle, int from) {
        if (needle.length == 0) {
            return from <= length ? from : -1;
        }
        byte first = needle[0];
        for (int i = from, last = length - needle.length; i <= last; i++) {
            if (MemoryUtil.getByte(a + i) == first && regionMatches(a + i, needle)) {
                return i;
            }
        }
        return -1;
    }

    /** Number of code points in [a, a + length): bytes that do not continue a sequence. */
    static int codePoints(long a, int length) {
        int count = 0;
        for (int i = 0; i < length; i++) {
            if ((MemoryUtil.getByte(a + i) & 0xC0) != 0x80) {
                count++;
            }
        }
        return count;
    }

    /** Number of code points in the first {@code length} bytes of {@code bytes}. */
    static int codePoints(byte[] bytes, int length) {
        int count = 0;
        for (int i = 0; i < length; i++) {
            if ((bytes[i] & 0xC0) != 0x80) {
                count++;
            }
        }
        return count;
    }

    /** Byte offset of code point {@code index} in [a, a + length) ({@code length} if past the end). */
    static int byteOffsetOfCodePoint(long a, int length, long index) {
        if (index <= 0) {
            return 0;
        }
        long seen = -1;
        for (int i = 0; i < length; i++) {
            if ((MemoryUtil.getByte(a + i) & 0xC0) != 0x80 && ++seen == index) {
                return i;
            }
        }
        return length;
    }

    /** Whether every byte is ASCII. */
    static boolean isAscii(long a, int length) {
        for (int i = 0; i < length; i++) {
            if (MemoryUtil.getByte(a + i) < 0) {
                return false;
            }
        }
        return true;
    }
}
