package dev.sluice.execution.expr;

import dev.sluice.execution.type.ColumnType;
import java.util.List;

/**
 * {@code SESSION(ts, INTERVAL gap)} as a grouping key: the row's own event time, which the session
 * aggregation turns into the start of the session the row falls in (rows less than {@code gap} apart, per
 * group, form one session).
 */
public final class SessionWindowTime extends RowFunction {
    private final long gapMillis;

    public SessionWindowTime(PhysicalExpr timestamp, long gapMillis) {
        super("SESSION", ColumnType.TIMESTAMP, List.of(timestamp));
        TypeCoercion.require(timestamp, ColumnType.TIMESTAMP, name());
        if (gapMillis <= 0) {
            throw new IllegalArgumentException("SESSION needs a positive gap, not " + gapMillis + " ms");
        }
        this.gapMillis = gapMillis;
    }

    public long gapMillis() {
        return gapMillis;
    }

    @Override
    void compute(Operand[] args, int row, VectorWriter out) {
        out.setLong(row, args[0].getLong(row));
    }

    @Override
    public String toString() {
        return "SESSION(" + arguments().get(0) + ", " + gapMillis + " ms)";
    }
}
