package dev.sluice.execution.operator;

import dev.sluice.execution.type.RowSchema;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A push-based operator over Arrow batches, run inside one task.
 *
 * <p>Lifecycle: built by its factory (validation happens there) &gt; {@link #process} per input batch
 * &gt; {@link #close()}. Not thread-safe: each task gets its own instance.
 */
public interface BatchOperator extends AutoCloseable {
    /** The schema of every batch this operator returns. */
    RowSchema outputSchema();

    /**
     * Processes one input batch. Returns a new batch the caller owns and closes, or null when no row
     * results (operators never emit empty batches). The input stays owned by the caller.
     */
    VectorSchemaRoot process(VectorSchemaRoot input);

    @Override
    default void close() {
    }
}
