package dev.sluice.execution.expr;

import dev.sluice.execution.type.ColumnType;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A compiled scalar expression, evaluated a whole Arrow batch at a time (never row by row through
 * Java objects). Immutable and thread-safe: one instance serves every task of a query.
 *
 * <p>SQL NULL semantics: a NULL input gives a NULL output unless the operator says otherwise
 * (AND/OR three-valued logic, IS NULL, COALESCE, CASE).
 *
 * <p>Memory: {@link #evaluate} never modifies {@code batch}. Its result is a new vector, but it may share
 * reference-counted buffers with the batch's vectors (a column reference copies nothing), so the result
 * stays valid after the batch is closed, and neither may be written to afterwards.
 */
public interface PhysicalExpr {
    /** The type of the vector {@link #evaluate} returns. */
    ColumnType type();

    /**
     * Evaluates the expression over every row of {@code batch}. Returns a new vector of
     * {@code batch.getRowCount()} values allocated from {@code allocator}; the caller owns and closes it.
     *
     * @throws ExpressionException on a runtime error (e.g. division by zero, bad CAST), naming the expression
     */
    FieldVector evaluate(VectorSchemaRoot batch, BufferAllocator allocator);

    /** SQL-like text, for EXPLAIN and errors. */
    @Override
    String toString();
}
