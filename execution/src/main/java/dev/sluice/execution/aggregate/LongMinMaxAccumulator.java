package dev.sluice.execution.aggregate;

import dev.sluice.execution.state.ByteArrayReader;
import dev.sluice.execution.state.ByteArrayWriter;
import dev.sluice.execution.type.Column;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * {@code MIN} and {@code MAX} over append-only input (the retracting ones keep a count per value:
 * {@link ValueCountsAccumulator}) over INTEGER, BIGINT and TIMESTAMP, held as longs (no values: NULL).
 * Partial state: {@code <name>$min} or {@code <name>$max}, of the argument type, NULL for no values.
 */
final class LongMinMaxAccumulator implements Accumulator {
    private final AggregateCall call;
    private final boolean max;
    private final Column stateColumn;
    private long[] values = new long[16];
    private boolean[] present = new boolean[16];

    LongMinMaxAccumulator(AggregateCall call, boolean max) {
        this.call = call;
        this.max = max;
        this.stateColumn = Column.of(call.name() + (max ? "$max" : "$min"), call.argumentType());
    }

    @Override
    public void ensureCapacity(int groupCount) {
        if (groupCount > values.length) {
            int capacity = Math.max(groupCount, values.length * 2);
            values = Arrays.copyOf(values, capacity);
            present = Arrays.copyOf(present, capacity);
        }
    }

    private void accept(int group, long value) {
        if (!present[group]) {
            present[group] = true;
            values[group] = value;
        } else if (max ? value > values[group] : value < values[group]) {
            values[group] = value;
        }
    }

    @Override
    public void addInput(int[] groupIds, FieldVector argument, IntVector weights, int rows) {
        Accumulator.requireInserts(weights, rows, call);
        ArrowBuf data = argument.getDataBuffer();
        boolean noNulls = argument.getNullCount() == 0;
        if (argument instanceof IntVector) {
            for (int r = 0; r < rows; r++) {
                if (noNulls || !argument.isNull(r)) {
                    accept(groupIds[r], data.getInt((long) r * 4));
                }
            }
        } else {
            for (int r = 0; r < rows; r++) {
                if (noNulls || !argument.isNull(r)) {
                    accept(groupIds[r], data.getLong((long) r * 8));
                }
            }
        }
    }

    @Override
    public List<Field> partialFields() {
        return List.of(stateColumn.toArrowField());
    }

    @Override
    public List<Column> stateColumns() {
        return List.of(stateColumn);
    }

    @Override
    public void writePartial(List<FieldVector> partial, int groupCount) {
        writeResult(partial.get(0), groupCount);
    }

    @Override
    public void mergePartial(int[] groupIds, List<FieldVector> partial, int rows) {
        addInput(groupIds, partial.get(0), null, rows);
    }

    @Override
    public void writeState(int group, ByteArrayWriter out) {
        out.writeByte(present[group] ? 1 : 0);
        if (present[group]) {
            out.writeLong(values[group]);
        }
    }

    @Override
    public void mergeState(int group, ByteArrayReader in) {
        if (in.readByte() != 0) {
            accept(group, in.readLong());
        }
    }

    @Override
    public void writeResult(FieldVector result, int groupCount) {
        for (int g = 0; g < groupCount; g++) {
            if (!present[g]) {
                result.setNull(g);
            } else if (result instanceof IntVector v) {
                v.setSafe(g, (int) values[g]);
            } else if (result instanceof BigIntVector v) {
                v.setSafe(g, values[g]);
            } else {
                ((TimeStampMilliVector) result).setSafe(g, values[g]);
            }
        }
    }
}
