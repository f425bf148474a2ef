package dev.sluice.execution.expr;

import java.util.List;

/** {@code a AND b AND ...} in three-valued logic: FALSE wins over NULL. See {@link Junction} for evaluation. */
public final class And extends Junction {
    public And(List<PhysicalExpr> operands) {
        super(operands, false);
    }

    public static And of(PhysicalExpr... operands) {
        return new And(List.of(operands));
    }
}
