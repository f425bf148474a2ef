package dev.sluice.execution.expr;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.ColumnType;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** {@code NOT operand}: NULL stays NULL. */
public final class Not implements CompositeExpr {
    private final PhysicalExpr operand;

    public Not(PhysicalExpr operand) {
        this.operand = requireNonNull(operand, "operand is null");
        TypeCoercion.require(operand, ColumnType.BOOLEAN, "NOT");
    }

    public PhysicalExpr operand() {
        return operand;
    }

    @Override
    public ColumnType type() {
        return ColumnType.BOOLEAN;
    }

    @Override
    public List<PhysicalExpr> children() {
        return List.of(operand);
    }

    @Override
    public FieldVector evaluate(VectorSchemaRoot batch, BufferAllocator allocator) {
        return TruthTable.NOT.evaluate(operand, batch, allocator);
    }

    @Override
    public String toString() {
        return "(NOT " + operand + ")";
    }
}
