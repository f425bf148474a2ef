package dev.sluice.execution.expr;

import java.util.BitSet;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * An argument evaluated only for the rows that need it (a CASE branch, a COALESCE fallback), so that it
 * neither wastes work on other rows nor raises errors for them. Columns and literals cost nothing to read
 * and are read in place; anything else is evaluated over a compacted copy of just those rows.
 */
final class PartialOperand implements AutoCloseable {
    private final Operand values;
    private final boolean compact;

    private PartialOperand(Operand values, boolean compact) {
        this.values = values;
        this.compact = compact;
    }

    /** Evaluates {@code expr} for rows {@code positions[0..count)} (ascending) of {@code batch}. */
    static PartialOperand evaluate(PhysicalExpr expr, int[] positions, int count, VectorSchemaRoot batch,
                                   BufferAllocator allocator) {
        if (count == batch.getRowCount() || expr instanceof Literal || expr instanceof ColumnRef) {
            return new PartialOperand(Operand.of(expr, batch, allocator), false);
        }
        BitSet columns = InputColumns.referencedBy(List.of(expr), batch.getFieldVectors().size());
        RowSelection selection = RowSelection.of(positions, count);
        return new PartialOperand(Operand.ofVector(selection.evaluate(expr, columns, batch, allocator), expr.type(), true), true);
    }

    Operand values() {
        return values;
    }

    /** Where batch row {@code row}, the {@code k}-th of the positions, is in {@link #values()}. */
    int index(int row, int k) {
        return compact ? k : row;
    }

    @Override
    public void close() {
        values.close();
    }

    static void closeAll(PartialOperand... operands) {
        for (PartialOperand operand : operands) {
            if (operand != null) {
                operand.close();
            }
        }
    }
}
