package dev.sluice.execution.stream;

import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.source.SourcePartition;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The result of one micro-batch's tasks: output batches in pipeline then partition order, counts, and the
 * largest event time each partition of a watermarked table showed. Owns its batches: {@link #close()}
 * releases them.
 */
record BatchOutput(RowSchema schema, List<VectorSchemaRoot> batches, long inputRows, long malformedRows, long lateRows,
                   Map<String, Map<SourcePartition, Long>> maxEventTimes) implements AutoCloseable {
    BatchOutput {
        batches = List.copyOf(batches);
        maxEventTimes = Map.copyOf(maxEventTimes);
    }

    long outputRows() {
        long n = 0;
        for (VectorSchemaRoot b : batches) {
            n += b.getRowCount();
        }
        return n;
    }

    @Override
    public void close() {
        for (VectorSchemaRoot b : batches) {
            b.close();
        }
    }
}
