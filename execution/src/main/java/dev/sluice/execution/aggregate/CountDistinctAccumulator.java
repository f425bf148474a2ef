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
 * can be unioned. Values are kept once per group in one {@link GroupByHash} keyed by (group id, value in the
 * {@link KeyColumn} encoding), chained per group in insertion order. State grows with the number of distinct
 * values and each stored group re-encodes its whole set when it changes.
 *
 * <p>Partial state: {@code <name>$distinct} VARBINARY, the group's values in the {@link KeyColumn} encoding,
 * concatenated (Sluice has no array type, so this column exists only between partial and final steps).
 */
final class CountDistinctAccumulator implements Accumulator {
    private final AggregateCall call;
    private final Field partialField;
    private final Column stateColumn;
    private final KeyColumn column;
    private final GroupByHash values = new GroupByHash();
    private long[] counts = new long[16];
    private int[] heads = filled(16);
    private int[] tails = filled(16);
    /** Next value entry of the same group, or -1. */
    private int[] next = new int[64];
    private byte[] scratch = new byte[64];

    CountDistinctAccumulator(AggregateCall call) {
        this.call = call;
        this.column = KeyColumn.of(call.argumentType());
        this.partialField = new Field(call.name() + "$distinct", new FieldType(false, ArrowType.Binary.INSTANCE, null), null);
        // In the store's value schema, a column of the argument type standing for the set of its values.
        this.stateColumn = Column.of(call.name() + "$distinct", call.argumentType());
    }

    private static int[] filled(int size) {
        int[] array = new int[size];
        Arrays.fill(array, -1);
        return array;
    }

    @Override
    public void ensureCapacity(int groupCount) {
        if (groupCount > counts.length) {
            int old = counts.length;
            int capacity = Math.max(groupCount, old * 2);
            counts = Arrays.copyOf(counts, capacity);
            heads = Arrays.copyOf(heads, capacity);
            tails = Arrays.copyOf(tails, capacity);
            Arrays.fill(heads, old, capacity, -1);
            Arrays.fill(tails, old, capacity, -1);
        }
    }

    @Override
    public void addInput(int[] groupIds, FieldVector argument, IntVector weights, int rows) {
        Accumulator.requireInserts(weights, rows, call);
        for (int r = 0; r < rows; r++) {
            if (argument.isNull(r)) {
                continue;
            }
            int length = column.length(argument, r);
            ensureScratch(length);
            column.writeOne(argument, r, scratch, 4);
            insert(groupIds[r], length);
        }
    }

    private void ensureScratch(int valueLength) {
        if (scratch.length < 4 + valueLength) {
            scratch = new byte[Math.max(4 + valueLength, scratch.length * 2)];
        }
    }

    /** Adds the value in {@code scratch[4, 4 + length)} to {@code group} unless it has it. */
    private void insert(int group, int length) {
        KeyColumn.INT.set(scratch, 0, group);
        int before = values.groupCount();
        int entry = values.putIfAbsent(scratch, 0, 4 + length);
        if (entry != before) {
            return;
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
        counts[group]++;
    }

    /** Adds each value encoded in {@code bytes[offset, end)} to {@code group}. */
    private void insertAll(int group, byte[] bytes, int offset, int end) {
        while (offset < end) {
            int valueEnd = column.skip(bytes, offset);
            int length = valueEnd - offset;
            ensureScratch(length);
            System.arraycopy(bytes, offset, scratch, 4, length);
            insert(group, length);
            offset = valueEnd;
        }
    }

    /** Appends the encoded values of {@code group}; returns how many bytes. */
    private int writeValues(int group, ByteArrayWriter out) {
        int start = out.size();
        byte[] keys = values.keyBytes();
        for (int entry = heads[group]; entry >= 0; entry = next[entry]) {
            out.writeBytes(keys, values.keyOffset(entry) + 4, values.keyLength(entry) - 4);
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
