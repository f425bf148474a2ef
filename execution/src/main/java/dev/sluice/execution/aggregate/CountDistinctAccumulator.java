package dev.sluice.execution.aggregate;

import dev.sluice.execution.state.ByteArrayReader;
import dev.sluice.execution.state.ByteArrayWriter;
import dev.sluice.execution.type.Column;
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
 * {@code COUNT(DISTINCT x)} over append-only input (over updating input, {@link ValueCountsAccumulator}
 * keeps a count per value): every distinct non-NULL value of each group, so that partials and stored state
 * can be unioned: the values are a {@link GroupedValues}. State grows with the number of distinct values and
 * each stored group re-encodes its whole set when it changes.
 *
 * <p>Partial state: {@code <name>$distinct} VARBINARY, the group's values in the {@link KeyColumn} encoding,
 * concatenated (Sluice has no array type, so this column exists only between partial and final steps).
 */
final class CountDistinctAccumulator implements Accumulator {
    private final AggregateCall call;
    private final Field partialField;
    private final Column stateColumn;
    private final GroupedValues values;
    private long[] counts = new long[16];

    CountDistinctAccumulator(AggregateCall call) {
        this.call = call;
        this.values = new GroupedValues(KeyColumn.of(call.argumentType()));
        this.partialField = new Field(call.name() + "$distinct", new FieldType(false, ArrowType.Binary.INSTANCE, null), null);
        // In the store's value schema, a column of the argument type standing for the set of its values.
        this.stateColumn = Column.of(call.name() + "$distinct", call.argumentType());
    }

    @Override
    public void ensureCapacity(int groupCount) {
        values.ensureGroupCapacity(groupCount);
        if (groupCount > counts.length) {
            counts = Arrays.copyOf(counts, Math.max(groupCount, counts.length * 2));
        }
    }

    @Override
    public void addInput(int[] groupIds, FieldVector argument, IntVector weights, int rows) {
        Accumulator.requireInserts(weights, rows, call);
        for (int r = 0; r < rows; r++) {
            if (!argument.isNull(r)) {
                int before = values.entryCount();
                counted(groupIds[r], before, values.entry(groupIds[r], argument, r));
            }
        }
    }

    /** Counts the value of {@code entry} in {@code group} if the lookup added it. */
    private void counted(int group, int entriesBefore, int entry) {
        if (entry == entriesBefore) {
            counts[group]++;
        }
    }

    /** Adds each value encoded in {@code bytes[offset, end)} to {@code group}. */
    private void insertAll(int group, byte[] bytes, int offset, int end) {
        while (offset < end) {
            int valueEnd = values.skipValue(bytes, offset);
            int before = values.entryCount();
            counted(group, before, values.entry(group, bytes, offset, valueEnd - offset));
            offset = valueEnd;
        }
    }

    /** Appends the encoded values of {@code group}; returns how many bytes. */
    private int writeValues(int group, ByteArrayWriter out) {
        int start = out.size();
        for (int entry = values.first(group); entry >= 0; entry = values.next(entry)) {
            values.writeValue(entry, out);
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
            insertAll(groupIds[r], bytes, 0, bytes.length);
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
        insertAll(group, in.array(), start, start + length);
    }

    @Override
    public void writeResult(FieldVector result, int groupCount) {
        BigIntVector vector = (BigIntVector) result;
        for (int g = 0; g < groupCount; g++) {
            vector.setSafe(g, counts[g]);
        }
    }
}
