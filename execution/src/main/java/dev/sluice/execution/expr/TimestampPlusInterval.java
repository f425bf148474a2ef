package dev.sluice.execution.expr;

import dev.sluice.execution.type.ColumnType;
import java.util.List;

/**
 * {@code timestamp + INTERVAL 'n' unit} (or minus, with a negative interval) for a constant day-time
 * interval, e.g. {@code TUMBLE_END} or a watermark's {@code ts - INTERVAL '5' SECOND}.
 */
public final class TimestampPlusInterval extends RowFunction {
    private final long millis;

    public TimestampPlusInterval(PhysicalExpr timestamp, long millis) {
        super("+", ColumnType.TIMESTAMP, List.of(timestamp));
        TypeCoercion.require(timestamp, ColumnType.TIMESTAMP, "timestamp + interval");
        this.millis = millis;
    }

    @Override
    void compute(Operand[] args, int row, VectorWriter out) {
        out.setLong(row, Math.addExact(args[0].getLong(row), millis));
    }

    @Override
    public String toString() {
        return "(" + arguments().get(0) + (millis < 0 ? " - " : " + ") + Math.abs(millis) + " ms)";
    }
}
