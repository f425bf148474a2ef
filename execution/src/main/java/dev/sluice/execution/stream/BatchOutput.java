package dev.sluice.execution.stream;

import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.source.SourcePartition;
import dev.sluice.execution.type.RowSchema;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The result of one micro-batch: the changes the plan's top operator emitted (inserts only unless the result
 * updates rows), in pipeline then partition order, counts (late rows also per stateful operator, by its id),
 * and the largest event time each partition of a watermarked table showed. Owns its batches: {@link #close()} releases them.
 */
record BatchOutput(RowSchema schema, List<ChangeBatch> changes, long inputRows, long malformedRows, long lateRows,
                   Map<String, Long> lateRowsByOperator, Map<String, Map<SourcePartition, Long>> maxEventTimes)
        implements AutoCloseable {
    BatchOutput {
        changes = List.copyOf(changes);
        lateRowsByOperator = Map.copyOf(lateRowsByOperator);
        maxEventTimes = Map.copyOf(maxEventTimes);
    }

    /** The rows, for a result of inserts only. */
    List<VectorSchemaRoot> batches() {
        for (ChangeBatch c : changes) {
            if (!c.isInsertOnly()) {
                throw new IllegalStateException("The result deletes rows: take its changes, not its rows");
            }
        }
        return changes.stream().map(ChangeBatch::rows).toList();
    }

    /** Rows emitted, deletes included. */
    long outputRows() {
        long n = 0;
        for (ChangeBatch c : changes) {
            n += c.rowCount();
        }
        return n;
    }

    @Override
    public void close() {
        for (ChangeBatch c : changes) {
            c.close();
        }
    }
}
