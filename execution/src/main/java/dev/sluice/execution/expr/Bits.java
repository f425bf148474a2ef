package dev.sluice.execution.expr;

import org.apache.arrow.memory.util.MemoryUtil;

/**
 * Raw access to Arrow bitmaps (validity buffers and {@code BitVector} data), least significant bit first,
 * by memory address. Unchecked: callers guarantee the addresses cover the rows they touch. Word reads stop
 * at the last byte holding a row, so they never read past an input buffer; word writes assume the buffer
 * was allocated by {@link VectorWriter}, whose bitmaps are rounded up to whole 64-bit words.
 */
final class Bits {
    private Bits() {
    }

    /** Number of 64-bit words covering {@code rows} bits. */
    static int words(int rows) {
        return (rows + 63) >>> 6;
    }

    static boolean get(long address, int index) {
        return ((MemoryUtil.getByte(address + (index >>> 3)) >> (index & 7)) & 1) != 0;
    }

    /** Bit {@code index} of a bitmap held in a Java array. */
    static boolean get(long[] words, int index) {
        return ((words[index >>> 6] >>> (index & 63)) & 1) != 0;
    }

    static void set(long address, int index) {
        long at = address + (index >>> 3);
        MemoryUtil.putByte(at, (byte) (MemoryUtil.getByte(at) | (1 << (index & 7))));
    }

    static void clear(long address, int index) {
        long at = address + (index >>> 3);
        MemoryUtil.putByte(at, (byte) (MemoryUtil.getByte(at) & ~(1 << (index & 7))));
    }

    /**
     * Word {@code word} of a bitmap holding {@code rows} bits; bits past {@code rows} are zero. Reads only the
     * bytes that hold rows.
     */
    static long readWord(long address, int word, int rows) {
        int remaining = rows - (word << 6);
        if (remaining >= 64) {
            return MemoryUtil.getLong(address + ((long) word << 3));
        }
        long bits = 0;
        long base = address + ((long) word << 3);
        int bytes = (remaining + 7) >>> 3;
        for (int b = 0; b < bytes; b++) {
            bits |= (MemoryUtil.getByte(base + b) & 0xFFL) << (b << 3);
        }
        return bits & tailMask(remaining);
    }

    /** Writes a whole word; the buffer must cover it (see {@link VectorWriter}). */
    static void writeWord(long address, int word, long bits) {
        MemoryUtil.putLong(address + ((long) word << 3), bits);
    }

    /** The mask of the {@code remaining} low bits of a word ({@code remaining} &gt;= 64 gives all bits). */
    static long tailMask(int remaining) {
        return remaining >= 64 ? -1L : (1L << remaining) - 1;
    }
}
