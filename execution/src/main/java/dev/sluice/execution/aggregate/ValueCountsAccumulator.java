package dev.sluice.execution.aggregate;

import dev.sluice.execution.state.ByteArrayReader;
import dev.sluice.execution.state.ByteArrayWriter;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * MIN, MAX or COUNT(DISTINCT) over an updating input: per group, how many times each distinct non-NULL value
 * is in it (the sum of its rows' weights), so that a deleted row takes its value out: the minimum comes back
 * to the next smallest value, a distinct value stops counting when its count reaches 0. This is what Flink
 * keeps in a {@code MapView} for retracting MIN/MAX/COUNT(DISTINCT); over append-only input the plan picks the
 * cheap accumulators instead (one value, or a set).
 *
 * <p>The values are a {@link GroupedValues}, with a count per entry. MIN and MAX scan the group's values for
 * the result, so a result costs the group's distinct values. Values whose count is 0 are dropped from the encoded state.
 *
 * <p>Partial state: {@code <name>$counts} VARBINARY, the group's values with a non-zero count, each in the
 * {@link KeyColumn} encoding followed by its count (8 bytes, negative in a partial of deleted rows). Stored
 * state: the same bytes after their 4-byte length.
 */
final class ValueCountsAccumulator implements Accumulator {
    /** What the counts give. */
    enum Result {
        MIN, MAX, DISTINCT_COUNT
    }

    private final AggregateCall call;
    private final Result kind;
    private final ColumnType type;
    private final Field partialField;
    private final Column stateColumn;
    private final GroupedValues values;
    /** Per group: how many of its values have a count above 0. */
    private long[] present = new long[16];
    /** Per value entry: its group and its count. */
    private int[] owners = new int[64];
    private long[] counts = new long[64];

    ValueCountsAccumulator(AggregateCall call, Result kind) {
        this.call = call;
        this.kind = kind;
        this.type = call.argumentType();
        this.values = new GroupedValues(KeyColumn.of(type));
        this.partialField = new Field(call.name() + "$counts", new FieldType(false, ArrowType.Binary.INSTANCE, null), null);
        // In the store's value schema, a column of the argument type standing for its counted values.
        this.stateColumn = Column.of(call.name() + "$counts", type);
    }

    @Override
    public void ensureCapacity(int groupCount) {
        values.ensureGroupCapacity(groupCount);
        if (groupCount > present.length) {
            present = Arrays.copyOf(present, Math.max(groupCount, present.length * 2));
        }
    }

    @Override
    public void addInput(int[] groupIds, FieldVector argument, IntVector weights, int rows) {
        for (int r = 0; r < rows; r++) {
            if (!argument.isNull(r)) {
                int before = values.entryCount();
                int entry = values.entry(groupIds[r], argument, r);
                add(tracked(groupIds[r], before, entry), weights == null ? 1 : Accumulator.weight(weights, r));
            }
        }
    }

    /** {@code entry}, given its group and a count of 0 if the lookup added it. */
    private int tracked(int group, int entriesBefore, int entry) {
        if (entry == entriesBefore) {
            if (entry >= counts.length) {
                owners = Arrays.copyOf(owners, counts.length * 2);
                counts = Arrays.copyOf(counts, counts.length * 2);
            }
            owners[entry] = group;
            counts[entry] = 0;
        }
        return entry;
    }

    private void add(int entry, long delta) {
        long before = counts[entry];
        long after = before + delta;
        counts[entry] = after;
        if (before <= 0 && after > 0) {
            present[owners[entry]]++;
        } else if (before > 0 && after <= 0) {
            present[owners[entry]]--;
        }
    }

    /** Adds each (value, count) encoded in {@code bytes[offset, end)} to {@code group}. */
    private void addAll(int group, byte[] bytes, int offset, int end) {
        while (offset < end) {
            int valueEnd = values.skipValue(bytes, offset);
            int before = values.entryCount();
            int entry = values.entry(group, bytes, offset, valueEnd - offset);
            add(tracked(group, before, entry), (long) KeyColumn.LONG.get(bytes, valueEnd));
            offset = valueEnd + 8;
        }
    }

    /** Appends the values of {@code group} with a non-zero count, each with its count; returns how many bytes. */
    private int writeValues(int group, ByteArrayWriter out) {
        int start = out.size();
        for (int entry = values.first(group); entry >= 0; entry = values.next(entry)) {
            if (counts[entry] != 0) {
                values.writeValue(entry, out);
                out.writeLong(counts[entry]);
            }
        }
        return out.size() - start;
    }

    @Override
    public List<Field> partialFields() {
        return List.of(partialField);
    }

    @Override
    public List<Column> stateColumns() {
        return List.of(stateColumn);
    }

    @Override
    public void writePartial(List<FieldVector> partial, int groupCount) {
        VarBinaryVector vector = (VarBinaryVector) partial.get(0);
        ByteArrayWriter buffer = new ByteArrayWriter();
        for (int g = 0; g < groupCount; g++) {
            buffer.reset();
            int length = writeValues(g, buffer);
            vector.setSafe(g, buffer.buffer(), 0, length);
        }
    }

    @Override
    public void mergePartial(int[] groupIds, List<FieldVector> partial, int rows) {
        VarBinaryVector vector = (VarBinaryVector) partial.get(0);
        for (int r = 0; r < rows; r++) {
            byte[] bytes = vector.get(r);
            addAll(groupIds[r], bytes, 0, bytes.length);
        }
    }

    @Override
    public void writeState(int group, ByteArrayWriter out) {
        int lengthAt = out.reserve(4);
        int length = writeValues(group, out);
        KeyColumn.INT.set(out.buffer(), lengthAt, length);
    }

    @Override
    public void mergeState(int group, ByteArrayReader in) {
        int length = in.readInt();
        int start = in.skip(length);
        addAll(group, in.array(), start, start + length);
    }

    @Override
    public void writeResult(FieldVector result, int groupCount) {
        if (kind == Result.DISTINCT_COUNT) {
            BigIntVector vector = (BigIntVector) result;
            for (int g = 0; g < groupCount; g++) {
                vector.setSafe(g, present[g]);
            }
            return;
        }
        byte[] keys = values.valueBytes();
        for (int g = 0; g < groupCount; g++) {
            int best = -1;
            for (int entry = values.first(g); entry >= 0; entry = values.next(entry)) {
                if (counts[entry] > 0 && (best < 0 || wins(compare(keys, values.valueOffset(entry),
                        values.valueOffset(best))))) {
                    best = entry;
                }
            }
            if (best < 0) {
                result.setNull(g);
            } else {
                values.readValue(best, result, g);
            }
        }
    }

    private boolean wins(int order) {
        return kind == Result.MAX ? order > 0 : order < 0;
    }

    /**
     * Orders two encoded non-NULL values (after their flag byte) as the append-only accumulators do: numbers
     * and times by value, DOUBLE as {@link Double#compare}, VARCHAR by unsigned UTF-8 bytes.
     */
    private int compare(byte[] keys, int a, int b) {
        return switch (type) {
            case INTEGER -> Integer.compare((int) KeyColumn.INT.get(keys, a + 1), (int) KeyColumn.INT.get(keys, b + 1));
            case BIGINT, TIMESTAMP -> Long.compare((long) KeyColumn.LONG.get(keys, a + 1),
                    (long) KeyColumn.LONG.get(keys, b + 1));
            case DOUBLE -> Double.compare(Double.longBitsToDouble((long) KeyColumn.LONG.get(keys, a + 1)),
                    Double.longBitsToDouble((long) KeyColumn.LONG.get(keys, b + 1)));
            case VARCHAR -> {
                int lengthA = (int) KeyColumn.INT.get(keys, a + 1);
                int lengthB = (int) KeyColumn.INT.get(keys, b + 1);
                yield Arrays.compareUnsigned(keys, a + 5, a + 5 + lengthA, keys, b + 5, b + 5 + lengthB);
            }
            case BOOLEAN -> Byte.compare(keys[a + 1], keys[b + 1]);
        };
    }
}
