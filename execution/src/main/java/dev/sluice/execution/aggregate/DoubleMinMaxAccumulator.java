package dev.sluice.execution.aggregate;

import dev.sluice.execution.state.ByteArrayReader;
import dev.sluice.execution.state.ByteArrayWriter;
import dev.sluice.execution.type.Column;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * {@code MIN} and {@code MAX} over append-only input (the retracting ones keep a count per value:
 * {@link ValueCountsAccumulator}) over DOUBLE, ordered as {@link Double#compare} orders (NaN above every other
 * value, -0.0 below 0.0, as Spark does); no values: NULL. Partial state: {@code <name>$min} or
 * {@code <name>$max} DOUBLE, NULL for no values.
 */
final class DoubleMinMaxAccumulator implements Accumulator {
    private final AggregateCall call;
    private final boolean max;
    private final Column stateColumn;
    private double[] values = new double[16];
    private boolean[] present = new boolean[16];

    DoubleMinMaxAccumulator(AggregateCall call, boolean max) {
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

    private void accept(int group, double value) {
        if (!present[group]) {
            present[group] = true;
            values[group] = value;
        } else {
            int order = Double.compare(value, values[group]);
            if (max ? order > 0 : order < 0) {
                values[group] = value;
            }
        }
    }

    @Override
    public void addInput(int[] groupIds, FieldVector argument, IntVector weights, int rows) {
        Accumulator.requireInserts(weights, rows, call);
        ArrowBuf data = argument.getDataBuffer();
        boolean noNulls = argument.getNullCount() == 0;
        for (int r = 0; r < rows; r++) {
            if (noNulls || !argument.isNull(r)) {
                accept(groupIds[r], data.getDouble((long) r * 8));
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
            out.writeDouble(values[group]);
        }
    }

    @Override
    public void mergeState(int group, ByteArrayReader in) {
        if (in.readByte() != 0) {
            accept(group, in.readDouble());
        }
    }

    @Override
    public void writeResult(FieldVector result, int groupCount) {
        Float8Vector vector = (Float8Vector) result;
        for (int g = 0; g < groupCount; g++) {
            if (present[g]) {
                vector.setSafe(g, values[g]);
            } else {
                vector.setNull(g);
            }
        }
    }
}
