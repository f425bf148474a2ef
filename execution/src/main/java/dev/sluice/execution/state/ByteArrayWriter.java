package dev.sluice.execution.state;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A growable byte buffer for the compact binary encodings of state keys and values: big-endian fixed-width
 * numbers, unsigned LEB128 variable-length ints and raw bytes. Reusable through {@link #reset()}; not
 * thread-safe.
 */
public final class ByteArrayWriter {
    static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private byte[] buffer;
    private int size;

    public ByteArrayWriter() {
        this(64);
    }

    public ByteArrayWriter(int initialCapacity) {
        buffer = new byte[Math.max(16, initialCapacity)];
    }

    public ByteArrayWriter writeByte(int value) {
        ensureCapacity(1);
        buffer[size++] = (byte) value;
        return this;
    }

    public ByteArrayWriter writeInt(int value) {
        ensureCapacity(Integer.BYTES);
        INT.set(buffer, size, value);
        size += Integer.BYTES;
        return this;
    }

    public ByteArrayWriter writeLong(long value) {
        ensureCapacity(Long.BYTES);
        LONG.set(buffer, size, value);
        size += Long.BYTES;
        return this;
    }

    /** The IEEE bits of {@code value}, as {@link Double#doubleToRawLongBits} gives them. */
    public ByteArrayWriter writeDouble(double value) {
        return writeLong(Double.doubleToRawLongBits(value));
    }

    /** A non-negative int in 1 to 5 bytes (7 bits per byte, low bits first). */
    public ByteArrayWriter writeVarInt(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative length " + value);
        }
        ensureCapacity(5);
        while ((value & ~0x7F) != 0) {
            buffer[size++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        buffer[size++] = (byte) value;
        return this;
    }

    public ByteArrayWriter writeBytes(byte[] bytes, int offset, int length) {
        ensureCapacity(length);
        System.arraycopy(bytes, offset, buffer, size, length);
        size += length;
        return this;
    }

    public ByteArrayWriter writeBytes(byte[] bytes) {
        return writeBytes(bytes, 0, bytes.length);
    }

    /** Reserves {@code length} bytes at the end and returns their offset in {@link #buffer()}. */
    public int reserve(int length) {
        ensureCapacity(length);
        int offset = size;
        size += length;
        return offset;
    }

    /** Bytes written since the last reset. */
    public int size() {
        return size;
    }

    /** The backing array (valid up to {@link #size()}); it changes when the writer grows. */
    public byte[] buffer() {
        return buffer;
    }

    /** A copy of the bytes written. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buffer, size);
    }

    public void reset() {
        size = 0;
    }

    private void ensureCapacity(int extra) {
        if (size + extra > buffer.length) {
            long wanted = Math.max((long) buffer.length * 2, (long) size + extra);
            if (wanted > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("encoded state value larger than 2 GB");
            }
            buffer = Arrays.copyOf(buffer, (int) wanted);
        }
    }
}
