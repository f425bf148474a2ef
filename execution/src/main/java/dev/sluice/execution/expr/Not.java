package dev.sluice.execution.expr;

import dev.sluice.execution.type.ColumnType;

/** {@code NOT operand}: NULL stays NULL. */
public final class Not extends TruthTableExpr {
    public Not(PhysicalExpr operand) {
        super(operand, TruthTable.NOT);
        TypeCoercion.require(operand, ColumnType.BOOLEAN, "NOT");
    }

    @Override
    public String toString() {
        return "(NOT " + operand() + ")";
    }
}
