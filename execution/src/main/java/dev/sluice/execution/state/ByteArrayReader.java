package dev.sluice.execution.state;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/** Reads what a {@link ByteArrayWriter} wrote, from a byte range; not thread-safe. */
public final class ByteArrayReader {
    private final byte[] bytes;
    private final int end;
    private int position;

    public ByteArrayReader(byte[] bytes) {
        this(bytes, 0, bytes.length);
    }

    public ByteArrayReader(byte[] bytes, int offset, int length) {
        this.bytes = requireNonNull(bytes, "bytes is null");
        this.position = offset;
        this.end = offset + length;
    }

    public byte readByte() {
        require(1);
        return bytes[position++];
    }

    public int readInt() {
        require(Integer.BYTES);
        int value = (int) ByteArrayWriter.INT.get(bytes, position);
        position += Integer.BYTES;
        return value;
    }

    public long readLong() {
        require(Long.BYTES);
        long value = (long) ByteArrayWriter.LONG.get(bytes, position);
        position += Long.BYTES;
        return value;
    }

    public double readDouble() {
        return Double.longBitsToDouble(readLong());
    }

    public int readVarInt() {
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            byte b = readByte();
            value |= (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw new IllegalStateException("malformed variable-length int at byte " + (position - 5));
    }

    public byte[] readBytes(int length) {
        require(length);
        byte[] value = Arrays.copyOfRange(bytes, position, position + length);
        position += length;
        return value;
    }

    /** Skips {@code length} bytes and returns the offset they start at in {@link #array()}. */
    public int skip(int length) {
        require(length);
        int start = position;
        position += length;
        return start;
    }

    /** The array read from (shared, not copied). */
    public byte[] array() {
        return bytes;
    }

    public int position() {
        return position;
    }

    public boolean hasRemaining() {
        return position < end;
    }

    private void require(int length) {
        if (length < 0 || position + length > end) {
            throw new IllegalStateException("truncated state value: need " + length + " bytes at " + position
                    + ", only " + (end - position) + " left");
        }
    }
}
