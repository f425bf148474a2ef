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
import org.apache.arrow.vector.types.pojo.Field;

/**
 * A count per group: the rows ({@code COUNT(*)}, {@code argument} null) or the non-NULL values
 * ({@code COUNT(x)}), each counted by its weight, so a retracted row counts -1. The same state in append-only
 * and retracting plans. Partial state: {@code <name>$count BIGINT}.
 */
final class CountAccumulator implements Accumulator {
    private final Column stateColumn;
    private long[] counts = new long[16];

    CountAccumulator(String stateName) {
        this.stateColumn = new Column(stateName, ColumnType.BIGINT, false);
    }

    @Override
    public void ensureCapacity(int groupCount) {
        if (groupCount > counts.length) {
            counts = Arrays.copyOf(counts, Math.max(groupCount, counts.length * 2));
        }
    }

    @Override
    public void addInput(int[] groupIds, FieldVector argument, IntVector weights, int rows) {
        long[] counts = this.counts;
        boolean all = argument == null || argument.getNullCount() == 0;
        if (weights == null) {
            if (all) {
                for (int r = 0; r < rows; r++) {
                    counts[groupIds[r]]++;
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    if (!argument.isNull(r)) {
                        counts[groupIds[r]]++;
                    }
                }
            }
            return;
        }
        for (int r = 0; r < rows; r++) {
            if (all || !argument.isNull(r)) {
                counts[groupIds[r]] += Accumulator.weight(weights, r);
            }
        }
    }

    /** The count of {@code group}. */
    long count(int group) {
        return counts[group];
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
        writeCounts((BigIntVector) partial.get(0), groupCount);
    }

    @Override
    public void mergePartial(int[] groupIds, List<FieldVector> partial, int rows) {
        BigIntVector vector = (BigIntVector) partial.get(0);
        for (int r = 0; r < rows; r++) {
            counts[groupIds[r]] += vector.get(r);
        }
    }

    @Override
    public void writeState(int group, ByteArrayWriter out) {
        out.writeLong(counts[group]);
    }

    @Override
    public void mergeState(int group, ByteArrayReader in) {
        counts[group] += in.readLong();
    }

    @Override
    public void writeResult(FieldVector result, int groupCount) {
        writeCounts((BigIntVector) result, groupCount);
    }

    private void writeCounts(BigIntVector vector, int groupCount) {
        for (int g = 0; g < groupCount; g++) {
            vector.setSafe(g, counts[g]);
        }
    }
}
