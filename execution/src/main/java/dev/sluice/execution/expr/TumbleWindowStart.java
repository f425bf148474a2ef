package dev.sluice.execution.expr;

import dev.sluice.execution.type.ColumnType;
import java.util.List;

/**
 * {@code TUMBLE(ts, INTERVAL size [, offset])} as a grouping key: the start of the tumbling window of
 * {@code size} milliseconds (aligned to the epoch plus {@code offset}) that contains {@code ts}. Grouping
 * by it groups rows by window; {@code TUMBLE_START} is this value and {@code TUMBLE_END} this value plus
 * the size.
 */
public final class TumbleWindowStart extends RowFunction {
    private final long sizeMillis;
    private final long offsetMillis;

    public TumbleWindowStart(PhysicalExpr timestamp, long sizeMillis, long offsetMillis) {
        super("TUMBLE", ColumnType.TIMESTAMP, List.of(timestamp));
        TypeCoercion.require(timestamp, ColumnType.TIMESTAMP, name());
        if (sizeMillis <= 0) {
            throw new IllegalArgumentException("TUMBLE needs a positive window size, not " + sizeMillis + " ms");
        }
        this.sizeMillis = sizeMillis;
        this.offsetMillis = offsetMillis;
    }

    /** The time the window is of (its first argument). */
    public PhysicalExpr timestamp() {
        return arguments().get(0);
    }

    public long sizeMillis() {
        return sizeMillis;
    }

    @Override
    void compute(Operand[] args, int row, VectorWriter out) {
        long ts = args[0].getLong(row);
        out.setLong(row, Math.floorDiv(ts - offsetMillis, sizeMillis) * sizeMillis + offsetMillis);
    }

    @Override
    public String toString() {
        return "TUMBLE(" + arguments().get(0) + ", " + sizeMillis + " ms" + (offsetMillis != 0 ? ", " + offsetMillis + " ms" : "")
                + ")";
    }
}
