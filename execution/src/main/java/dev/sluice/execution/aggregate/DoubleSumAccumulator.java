package dev.sluice.execution.aggregate;

import dev.sluice.execution.state.ByteArrayReader;
import dev.sluice.execution.state.ByteArrayWriter;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * {@code SUM} and {@code AVG} over DOUBLE: a double sum and a count of non-NULL values per group (no
 * values: NULL). A retracted value is subtracted, so a sum of values added and taken back may differ from
 * the sum of the values left by a rounding error (as in Flink); none left gives NULL. Partial state: {@code <name>$sum DOUBLE, <name>$count BIGINT}.
 */
final class DoubleSumAccumulator implements Accumulator {
    private final boolean average;
    private final List<Column> stateColumns;
    private double[] sums = new double[16];
    private long[] counts = new long[16];

    /** @param average whether the result is the mean (AVG) rather than the sum */
    DoubleSumAccumulator(AggregateCall call, boolean average) {
        this.average = average;
        this.stateColumns = List.of(new Column(call.name() + "$sum", ColumnType.DOUBLE, false),
                new Column(call.name() + "$count", ColumnType.BIGINT, false));
    }

    @Override
    public void ensureCapacity(int groupCount) {
        if (groupCount > sums.length) {
            int capacity = Math.max(groupCount, sums.length * 2);
            sums = Arrays.copyOf(sums, capacity);
            counts = Arrays.copyOf(counts, capacity);
        }
    }

    @Override
    public void addInput(int[] groupIds, FieldVector argument, IntVector weights, int rows) {
        ArrowBuf data = argument.getDataBuffer();
        boolean noNulls = argument.getNullCount() == 0;
        if (weights != null) {
            for (int r = 0; r < rows; r++) {
                if (noNulls || !argument.isNull(r)) {
                    int g = groupIds[r];
                    int w = Accumulator.weight(weights, r);
                    sums[g] += w * data.getDouble((long) r * 8);
                    counts[g] += w;
                }
            }
            return;
        }
        for (int r = 0; r < rows; r++) {
            if (noNulls || !argument.isNull(r)) {
                int g = groupIds[r];
                sums[g] += data.getDouble((long) r * 8);
                counts[g]++;
            }
        }
    }

    @Override
    public List<Field> partialFields() {
        return stateColumns.stream().map(Column::toArrowField).toList();
    }

    @Override
    public List<Column> stateColumns() {
        return stateColumns;
    }

    @Override
    public void writePartial(List<FieldVector> partial, int groupCount) {
        Float8Vector sumVector = (Float8Vector) partial.get(0);
        BigIntVector countVector = (BigIntVector) partial.get(1);
        for (int g = 0; g < groupCount; g++) {
            sumVector.setSafe(g, sums[g]);
            countVector.setSafe(g, counts[g]);
        }
    }

    @Override
    public void mergePartial(int[] groupIds, List<FieldVector> partial, int rows) {
        Float8Vector sumVector = (Float8Vector) partial.get(0);
        BigIntVector countVector = (BigIntVector) partial.get(1);
        for (int r = 0; r < rows; r++) {
            int g = groupIds[r];
            sums[g] += sumVector.get(r);
            counts[g] += countVector.get(r);
        }
    }

    @Override
    public void writeState(int group, ByteArrayWriter out) {
        out.writeDouble(sums[group]).writeLong(counts[group]);
    }

    @Override
    public void mergeState(int group, ByteArrayReader in) {
        sums[group] += in.readDouble();
        counts[group] += in.readLong();
    }

    @Override
    public void writeResult(FieldVector result, int groupCount) {
        Float8Vector vector = (Float8Vector) result;
        for (int g = 0; g < groupCount; g++) {
            if (counts[g] == 0) {
                vector.setNull(g);
            } else {
                vector.setSafe(g, average ? sums[g] / counts[g] : sums[g]);
            }
        }
    }
}
