package dev.sluice.execution.expr;

import dev.sluice.execution.type.ColumnType;

/**
 * SQL's boolean test: {@code operand IS [NOT] TRUE} or {@code IS [NOT] FALSE}. Never NULL: NULL IS TRUE
 * and NULL IS FALSE are FALSE, so their negations are TRUE.
 */
public final class BooleanTest extends TruthTableExpr {
    private final boolean truthValue;
    private final boolean negated;

    /** {@code operand IS [NOT if negated] (TRUE if truthValue, else FALSE)}. */
    public BooleanTest(PhysicalExpr operand, boolean truthValue, boolean negated) {
        super(operand, TruthTable.booleanTest(truthValue, negated));
        this.truthValue = truthValue;
        this.negated = negated;
        TypeCoercion.require(operand, ColumnType.BOOLEAN, "IS " + (negated ? "NOT " : "") + (truthValue ? "TRUE" : "FALSE"));
    }

    @Override
    public String toString() {
        return "(" + operand() + " IS " + (negated ? "NOT " : "") + (truthValue ? "TRUE" : "FALSE") + ")";
    }
}
