package dev.sluice.execution.stream;

import dev.sluice.execution.expr.ColumnRef;
import dev.sluice.execution.expr.Comparison;
import dev.sluice.execution.expr.Literal;
import dev.sluice.execution.expr.PhysicalExpr;
import dev.sluice.execution.operator.BatchOperator;
import dev.sluice.execution.operator.FilterProjectOperator;
import dev.sluice.execution.plan.ScanNode;
import dev.sluice.execution.source.SourcePartition;
import dev.sluice.execution.type.ColumnType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Watches the event-time column of a watermarked table in one task: remembers the largest event time read per
 * source partition (for the next watermark) and, for stateful queries, drops rows behind the current watermark
 * (late rows; a NULL event time counts as late). A table without a watermark passes through untouched.
 */
final class EventTimeTracker implements AutoCloseable {
    private final int column;
    private final BatchOperator dropLate;
    private final Map<SourcePartition, Long> max = new HashMap<>();

    private EventTimeTracker(int column, BatchOperator dropLate) {
        this.column = column;
        this.dropLate = dropLate;
    }

    /**
     * A tracker of {@code scan}'s event-time column; rows behind {@code dropBefore} are dropped unless it is
     * {@code Long.MIN_VALUE}.
     */
    static EventTimeTracker of(ScanNode scan, long dropBefore, BufferAllocator allocator) {
        int column = scan.table().watermark().map(w -> scan.schema().indexOf(w.column())).orElse(-1);
        if (column < 0) {
            return new EventTimeTracker(-1, null);
        }
        BatchOperator drop = null;
        if (dropBefore != Long.MIN_VALUE) {
            List<PhysicalExpr> all = new ArrayList<>();
            for (int i = 0; i < scan.schema().size(); i++) {
                all.add(new ColumnRef(i, scan.schema().column(i).name(), scan.schema().column(i).type()));
            }
            PhysicalExpr onTime = new Comparison(Comparison.Operator.GREATER_THAN_OR_EQUAL,
                    new ColumnRef(column, scan.schema().column(column).name(), ColumnType.TIMESTAMP),
                    new Literal(dropBefore, ColumnType.TIMESTAMP));
            drop = new FilterProjectOperator.Factory(Optional.of(onTime), all, scan.schema()).create(allocator);
        }
        return new EventTimeTracker(column, drop);
    }

    /**
     * Notes the largest event time of the batch (rows of {@code partition}) and returns the batch without its late
     * rows: the same root, a new one (the input is then closed), or null when every row was late (the input is
     * then closed).
     */
    VectorSchemaRoot observe(SourcePartition partition, VectorSchemaRoot batch) {
        if (column < 0) {
            return batch;
        }
        TimeStampMilliVector ts = (TimeStampMilliVector) batch.getVector(column);
        long largest = Long.MIN_VALUE;
        for (int i = 0; i < batch.getRowCount(); i++) {
            if (!ts.isNull(i)) {
                largest = Math.max(largest, ts.get(i));
            }
        }
        if (largest != Long.MIN_VALUE) {
            max.merge(partition, largest, Math::max);
        }
        if (dropLate == null) {
            return batch;
        }
        try {
            return dropLate.process(batch);
        } finally {
            batch.close();
        }
    }

    /** The largest event time seen per partition, for the partitions with a row that has one. */
    Map<SourcePartition, Long> max() {
        return max;
    }

    @Override
    public void close() {
        if (dropLate != null) {
            dropLate.close();
        }
    }
}
