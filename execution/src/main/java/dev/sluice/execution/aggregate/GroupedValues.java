package dev.sluice.execution.aggregate;

import dev.sluice.execution.state.ByteArrayWriter;
import java.util.Arrays;
import org.apache.arrow.vector.FieldVector;

/**
 * The distinct non-NULL values of each group, for the accumulators that keep values rather than one running
 * result (COUNT(DISTINCT x), and MIN/MAX/COUNT(DISTINCT) over updating input). Values are kept once per group
 * in one {@link GroupByHash} keyed by (group id, value in the {@link KeyColumn} encoding) and chained per
 * group in insertion order, so that a group's values are walked without a hash table per group.
 *
 * <p>An entry is a (group, value) pair, numbered from 0 in insertion order; the accumulators keep what they
 * need per entry (a count) or per group in arrays of their own.
 */
final class GroupedValues {
    private final KeyColumn column;
    private final GroupByHash values = new GroupByHash();
    private int[] heads = filled(16);
    private int[] tails = filled(16);
    /** Per entry: the next entry of the same group, or -1. */
    private int[] next = new int[64];
    /** (group id, value) of the value being looked up: 4 bytes of group, then the encoded value. */
    private byte[] scratch = new byte[64];

    GroupedValues(KeyColumn column) {
        this.column = column;
    }

    private static int[] filled(int size) {
        int[] array = new int[size];
        Arrays.fill(array, -1);
        return array;
    }

    /** Makes room for groups {@code [0, groupCount)}. */
    void ensureGroupCapacity(int groupCount) {
        if (groupCount > heads.length) {
            int old = heads.length;
            int capacity = Math.max(groupCount, old * 2);
            heads = Arrays.copyOf(heads, capacity);
            tails = Arrays.copyOf(tails, capacity);
            Arrays.fill(heads, old, capacity, -1);
            Arrays.fill(tails, old, capacity, -1);
        }
    }

    /** How many entries there are; an entry number at or above the count before a lookup is new. */
    int entryCount() {
        return values.groupCount();
    }

    /** The entry of row {@code row}'s (non-NULL) value of {@code argument} in {@code group}, added if new. */
    int entry(int group, FieldVector argument, int row) {
        int length = column.length(argument, row);
        ensureScratch(length);
        column.writeOne(argument, row, scratch, 4);
        return entry(group, length);
    }

    /** The entry of the encoded value at {@code bytes[offset, offset + length)} in {@code group}, added if new. */
    int entry(int group, byte[] bytes, int offset, int length) {
        ensureScratch(length);
        System.arraycopy(bytes, offset, scratch, 4, length);
        return entry(group, length);
    }

    /** Where the encoded value starting at {@code bytes[offset]} ends. */
    int skipValue(byte[] bytes, int offset) {
        return column.skip(bytes, offset);
    }

    private void ensureScratch(int valueLength) {
        if (scratch.length < 4 + valueLength) {
            scratch = new byte[Math.max(4 + valueLength, scratch.length * 2)];
        }
    }

    private int entry(int group, int length) {
        KeyColumn.INT.set(scratch, 0, group);
        int before = values.groupCount();
        int entry = values.putIfAbsent(scratch, 0, 4 + length);
        if (entry != before) {
            return entry;
        }
        if (entry >= next.length) {
            next = Arrays.copyOf(next, next.length * 2);
        }
        next[entry] = -1;
        if (heads[group] < 0) {
            heads[group] = entry;
        } else {
            next[tails[group]] = entry;
        }
        tails[group] = entry;
        return entry;
    }

    /** The first entry of {@code group}, or -1. */
    int first(int group) {
        return heads[group];
    }

    /** The entry after {@code entry} in its group, or -1. */
    int next(int entry) {
        return next[entry];
    }

    /** The bytes holding every encoded value; an entry's value starts at {@link #valueOffset}. */
    byte[] valueBytes() {
        return values.keyBytes();
    }

    /** Where {@code entry}'s encoded value starts in {@link #valueBytes()}. */
    int valueOffset(int entry) {
        return values.keyOffset(entry) + 4;
    }

    /** Appends {@code entry}'s encoded value to {@code out}. */
    void writeValue(int entry, ByteArrayWriter out) {
        out.writeBytes(values.keyBytes(), values.keyOffset(entry) + 4, values.keyLength(entry) - 4);
    }

    /** Reads {@code entry}'s value into row {@code row} of {@code result}. */
    void readValue(int entry, FieldVector result, int row) {
        column.read(values.keyBytes(), valueOffset(entry), result, row);
    }
}
