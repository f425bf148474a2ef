package dev.sluice.execution.expr;

import dev.sluice.execution.type.ColumnType;
import java.util.List;

/**
 * {@code HOP(ts, INTERVAL slide, INTERVAL size [, offset])} as a grouping key: the start of the <em>latest</em>
 * hopping window containing {@code ts}. A row belongs to {@code size / slide} windows, starting at this value
 * and at each earlier multiple of the slide; the aggregation expands the row into each of them
 * (see {@code HashAggregateOperator}). {@code HOP_END} is the start plus the size.
 */
public final class HopWindowStart extends RowFunction {
    private final long slideMillis;
    private final long sizeMillis;
    private final long offsetMillis;

    public HopWindowStart(PhysicalExpr timestamp, long slideMillis, long sizeMillis, long offsetMillis) {
        super("HOP", ColumnType.TIMESTAMP, List.of(timestamp));
        TypeCoercion.require(timestamp, ColumnType.TIMESTAMP, name());
        if (slideMillis <= 0 || sizeMillis <= 0) {
            throw new IllegalArgumentException("HOP needs a positive slide and size, not " + slideMillis + " ms and "
                    + sizeMillis + " ms");
        }
        if (sizeMillis % slideMillis != 0) {
            throw new IllegalArgumentException("HOP needs a size that is a multiple of its slide: " + sizeMillis
                    + " ms is not a multiple of " + slideMillis + " ms");
        }
        this.slideMillis = slideMillis;
        this.sizeMillis = sizeMillis;
        this.offsetMillis = offsetMillis;
    }

    public long slideMillis() {
        return slideMillis;
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
        out.setLong(row, Math.floorDiv(ts - offsetMillis, slideMillis) * slideMillis + offsetMillis);
    }

    @Override
    public String toString() {
        return "HOP(" + arguments().get(0) + ", " + slideMillis + " ms, " + sizeMillis + " ms"
                + (offsetMillis != 0 ? ", " + offsetMillis + " ms" : "") + ")";
    }
}
