package dev.sluice.execution.aggregate;

import dev.sluice.execution.state.ByteArrayReader;
import dev.sluice.execution.state.ByteArrayWriter;
import dev.sluice.execution.type.Column;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * {@code MIN} and {@code MAX} over append-only input (the retracting ones keep a count per value:
 * {@link ValueCountsAccumulator}) over VARCHAR, ordered by unsigned UTF-8 bytes (which is code point order);
 * no values: NULL. Input values are compared in the vector's buffer and copied only when they win.
 * Partial state: {@code <name>$min} or {@code <name>$max} VARCHAR, NULL for no values.
 */
final class VarCharMinMaxAccumulator implements Accumulator {
    private final AggregateCall call;
    private final boolean max;
    private final Column stateColumn;
    private byte[][] values = new byte[16][];

    VarCharMinMaxAccumulator(AggregateCall call, boolean max) {
        this.call = call;
        this.max = max;
        this.stateColumn = Column.of(call.name() + (max ? "$max" : "$min"), call.argumentType());
    }

    @Override
    public void ensureCapacity(int groupCount) {
        if (groupCount > values.length) {
            values = Arrays.copyOf(values, Math.max(groupCount, values.length * 2));
        }
    }

    @Override
    public void addInput(int[] groupIds, FieldVector argument, IntVector weights, int rows) {
        Accumulator.requireInserts(weights, rows, call);
        ArrowBuf offsets = argument.getOffsetBuffer();
        ArrowBuf data = argument.getDataBuffer();
        for (int r = 0; r < rows; r++) {
            if (argument.isNull(r)) {
                continue;
            }
            int g = groupIds[r];
            int start = offsets.getInt((long) r * 4);
            int length = offsets.getInt((long) (r + 1) * 4) - start;
            byte[] current = values[g];
            if (current == null || wins(compare(data, start, length, current))) {
                byte[] value = new byte[length];
                data.getBytes(start, value, 0, length);
                values[g] = value;
            }
        }
    }

    private boolean wins(int order) {
        return max ? order > 0 : order < 0;
    }

    /** Compares {@code data[start, start + length)} with {@code value}, bytes unsigned. */
    private static int compare(ArrowBuf data, int start, int length, byte[] value) {
        int common = Math.min(length, value.length);
        for (int i = 0; i < common; i++) {
            int order = Integer.compare(data.getByte(start + i) & 0xFF, value[i] & 0xFF);
            if (order != 0) {
                return order;
            }
        }
        return Integer.compare(length, value.length);
    }

    private void accept(int group, byte[] value) {
        byte[] current = values[group];
        if (current == null || wins(Arrays.compareUnsigned(value, current))) {
            values[group] = value;
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
        byte[] value = values[group];
        if (value == null) {
            out.writeByte(0);
        } else {
            out.writeByte(1).writeVarInt(value.length).writeBytes(value);
        }
    }

    @Override
    public void mergeState(int group, ByteArrayReader in) {
        if (in.readByte() != 0) {
            accept(group, in.readBytes(in.readVarInt()));
        }
    }

    @Override
    public void writeResult(FieldVector result, int groupCount) {
        VarCharVector vector = (VarCharVector) result;
        for (int g = 0; g < groupCount; g++) {
            if (values[g] == null) {
                vector.setNull(g);
            } else {
                vector.setSafe(g, values[g]);
            }
        }
    }
}
