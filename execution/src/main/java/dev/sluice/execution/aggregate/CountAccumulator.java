package dev.sluice.execution.aggregate;

import dev.sluice.execution.state.ByteArrayReader;
import dev.sluice.execution.state.ByteArrayWriter;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.Field;

/** {@code COUNT(*)} and {@code COUNT(x)}: a BIGINT per group. Partial state: {@code <name>$count BIGINT}. */
final class CountAccumulator implements Accumulator {
    private final boolean countAll;
    private final Column stateColumn;
    private long[] counts = new long[16];

    CountAccumulator(AggregateCall call) {
        this.countAll = call.function() == AggregateFunction.COUNT_STAR;
        this.stateColumn = new Column(call.name() + "$count", ColumnType.BIGINT, false);
    }

    @Override
    public void ensureCapacity(int groupCount) {
        if (groupCount > counts.length) {
            counts = Arrays.copyOf(counts, Math.max(groupCount, counts.length * 2));
        }
    }

    @Override
    public void addInput(int[] groupIds, FieldVector argument, int rows) {
        long[] counts = this.counts;
        if (countAll || argument.getNullCount() == 0) {
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
