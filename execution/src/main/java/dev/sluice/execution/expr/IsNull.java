package dev.sluice.execution.expr;

/** {@code operand IS NULL}, or {@code IS NOT NULL} when {@code negated}; over any type, never NULL itself. */
public final class IsNull extends TruthTableExpr {
    private final boolean negated;

    public IsNull(PhysicalExpr operand, boolean negated) {
        super(operand, negated ? TruthTable.IS_NOT_NULL : TruthTable.IS_NULL);
        this.negated = negated;
    }

    public static IsNull isNull(PhysicalExpr operand) {
        return new IsNull(operand, false);
    }

    public static IsNull isNotNull(PhysicalExpr operand) {
        return new IsNull(operand, true);
    }

    @Override
    public String toString() {
        return "(" + operand() + (negated ? " IS NOT NULL)" : " IS NULL)");
    }
}
