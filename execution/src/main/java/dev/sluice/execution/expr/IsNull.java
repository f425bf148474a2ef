package dev.sluice.execution.expr;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.ColumnType;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** {@code operand IS NULL}, or {@code IS NOT NULL} when {@code negated}; over any type, never NULL itself. */
public final class IsNull implements CompositeExpr {
    private final PhysicalExpr operand;
    private final boolean negated;

    public IsNull(PhysicalExpr operand, boolean negated) {
        this.operand = requireNonNull(operand, "operand is null");
        this.negated = negated;
    }

    public static IsNull isNull(PhysicalExpr operand) {
        return new IsNull(operand, false);
    }

    public static IsNull isNotNull(PhysicalExpr operand) {
        return new IsNull(operand, true);
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
        return (negated ? TruthTable.IS_NOT_NULL : TruthTable.IS_NULL).evaluate(operand, batch, allocator);
    }

    @Override
    public String toString() {
        return "(" + operand + (negated ? " IS NOT NULL)" : " IS NULL)");
    }
}
