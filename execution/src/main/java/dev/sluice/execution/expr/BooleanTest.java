package dev.sluice.execution.expr;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.ColumnType;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * SQL's boolean test: {@code operand IS [NOT] TRUE} or {@code IS [NOT] FALSE}. Never NULL: NULL IS TRUE
 * and NULL IS FALSE are FALSE, so their negations are TRUE.
 */
public final class BooleanTest implements CompositeExpr {
    private final PhysicalExpr operand;
    private final boolean truthValue;
    private final boolean negated;
    private final TruthTable table;

    /** {@code operand IS [NOT if negated] (TRUE if truthValue, else FALSE)}. */
    public BooleanTest(PhysicalExpr operand, boolean truthValue, boolean negated) {
        this.operand = requireNonNull(operand, "operand is null");
        this.truthValue = truthValue;
        this.negated = negated;
        this.table = TruthTable.booleanTest(truthValue, negated);
        TypeCoercion.require(operand, ColumnType.BOOLEAN, "IS " + (negated ? "NOT " : "") + (truthValue ? "TRUE" : "FALSE"));
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
        return table.evaluate(operand, batch, allocator);
    }

    @Override
    public String toString() {
        return "(" + operand + " IS " + (negated ? "NOT " : "") + (truthValue ? "TRUE" : "FALSE") + ")";
    }
}
