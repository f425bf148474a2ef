package dev.sluice.execution.stream;

import dev.sluice.execution.type.RowSchema;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The result of one micro-batch's tasks: output batches in pipeline then partition order, and counts.
 * Owns its batches: {@link #close()} releases them.
 */
record BatchOutput(RowSchema schema, List<VectorSchemaRoot> batches, long inputRows, long malformedRows)
        implements AutoCloseable {
    BatchOutput {
        batches = List.copyOf(batches);
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
