package dev.sluice.execution.expr;

import java.util.List;

/** {@code a OR b OR ...} in three-valued logic: TRUE wins over NULL. See {@link Junction} for evaluation. */
public final class Or extends Junction {
    public Or(List<PhysicalExpr> operands) {
        super(operands, true);
    }

    public static Or of(PhysicalExpr... operands) {
        return new Or(List.of(operands));
    }
}
