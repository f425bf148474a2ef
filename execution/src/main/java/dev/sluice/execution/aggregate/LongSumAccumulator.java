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
 * {@code SUM} and {@code AVG} over INTEGER or BIGINT: an exact long sum and a count of non-NULL values per
 * group (no values: NULL). A sum outside BIGINT fails, naming the aggregate. A retracted value is
 * subtracted (the same state in append-only and retracting plans). Partial state:
 * {@code <name>$sum BIGINT, <name>$count BIGINT}.
 */
final class LongSumAccumulator implements Accumulator {
    private final AggregateCall call;
    private final boolean average;
    private final List<Column> stateColumns;
    private long[] sums = new long[16];
    private long[] counts = new long[16];

    /** @param average whether the result is the mean (AVG) rather than the sum */
    LongSumAccumulator(AggregateCall call, boolean average) {
        this.call = call;
        this.average = average;
        this.stateColumns = List.of(new Column(call.name() + "$sum", ColumnType.BIGINT, false),
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
        try {
            if (weights != null) {
                boolean ints = argument instanceof IntVector;
                for (int r = 0; r < rows; r++) {
                    if (noNulls || !argument.isNull(r)) {
                        int g = groupIds[r];
                        long w = Accumulator.weight(weights, r);
                        long value = ints ? data.getInt((long) r * 4) : data.getLong((long) r * 8);
                        sums[g] = Math.addExact(sums[g], Math.multiplyExact(value, w));
                        counts[g] += w;
                    }
                }
            } else if (argument instanceof IntVector) {
                for (int r = 0; r < rows; r++) {
                    if (noNulls || !argument.isNull(r)) {
                        int g = groupIds[r];
                        sums[g] = Math.addExact(sums[g], data.getInt((long) r * 4));
                        counts[g]++;
                    }
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    if (noNulls || !argument.isNull(r)) {
                        int g = groupIds[r];
                        sums[g] = Math.addExact(sums[g], data.getLong((long) r * 8));
                        counts[g]++;
                    }
                }
            }
        } catch (ArithmeticException e) {
            throw overflow(e);
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
        BigIntVector sumVector = (BigIntVector) partial.get(0);
        BigIntVector countVector = (BigIntVector) partial.get(1);
        for (int g = 0; g < groupCount; g++) {
            sumVector.setSafe(g, sums[g]);
            countVector.setSafe(g, counts[g]);
        }
    }

    @Override
    public void mergePartial(int[] groupIds, List<FieldVector> partial, int rows) {
        BigIntVector sumVector = (BigIntVector) partial.get(0);
        BigIntVector countVector = (BigIntVector) partial.get(1);
        try {
            for (int r = 0; r < rows; r++) {
                int g = groupIds[r];
                sums[g] = Math.addExact(sums[g], sumVector.get(r));
                counts[g] += countVector.get(r);
            }
        } catch (ArithmeticException e) {
            throw overflow(e);
        }
    }

    @Override
    public void writeState(int group, ByteArrayWriter out) {
        out.writeLong(sums[group]).writeLong(counts[group]);
    }

    @Override
    public void mergeState(int group, ByteArrayReader in) {
        try {
            sums[group] = Math.addExact(sums[group], in.readLong());
        } catch (ArithmeticException e) {
            throw overflow(e);
        }
        counts[group] += in.readLong();
    }

    @Override
    public void writeResult(FieldVector result, int groupCount) {
        for (int g = 0; g < groupCount; g++) {
            if (counts[g] == 0) {
                result.setNull(g);
                continue;
            }
            long value = average && call.resultType() != ColumnType.DOUBLE
                    ? sums[g] / counts[g] : sums[g];
            switch (call.resultType()) {
                case DOUBLE -> ((Float8Vector) result).setSafe(g, (double) sums[g] / counts[g]);
                case INTEGER -> {
                    if (value != (int) value) {
                        throw new ArithmeticException(call.function().displayName() + " '" + call.name() + "' = " + value
                                + " does not fit its INTEGER result type");
                    }
                    ((IntVector) result).setSafe(g, (int) value);
                }
                default -> ((BigIntVector) result).setSafe(g, value);
            }
        }
    }

    private ArithmeticException overflow(ArithmeticException cause) {
        ArithmeticException e = new ArithmeticException("The sum of " + call.function().displayName() + " '" + call.name()
                + "' overflows BIGINT");
        e.initCause(cause);
        return e;
    }
}
