package dev.sluice.execution.expr;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.ColumnType;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A BOOLEAN expression of one operand whose result depends only on whether each row is NULL, TRUE or FALSE:
 * a {@link TruthTable} applied to the operand (NOT, IS [NOT] NULL, IS [NOT] TRUE/FALSE). Subclasses check
 * the operand's type and say how they print.
 */
abstract class TruthTableExpr implements CompositeExpr {
    private final PhysicalExpr operand;
    private final TruthTable table;

    TruthTableExpr(PhysicalExpr operand, TruthTable table) {
        this.operand = requireNonNull(operand, "operand is null");
        this.table = requireNonNull(table, "table is null");
    }

    public PhysicalExpr operand() {
        return operand;
    }

    @Override
    public final ColumnType type() {
        return ColumnType.BOOLEAN;
    }

    @Override
    public final List<PhysicalExpr> children() {
        return List.of(operand);
    }

    @Override
    public final FieldVector evaluate(VectorSchemaRoot batch, BufferAllocator allocator) {
        return table.evaluate(operand, batch, allocator);
    }
}
