package dev.sluice.execution.plan;

/**
 * The time bound of an interval join between the event times of its two sides:
 * {@code left[leftLower] >= right[rightLower] + lowerMillis AND left[leftUpper] <= right[rightUpper] + upperMillis}
 * (column indexes within each side's row). Usually both bounds are on the same two columns ({@code a.ts BETWEEN
 * b.ts - INTERVAL '1' MINUTE AND b.ts}); a column bound such as {@code b.ts BETWEEN a.ts AND a.expires} puts
 * them on different columns of one side.
 *
 * <p>A left row can meet no future right row once {@code left[leftLower] - lowerMillis} is behind the
 * watermark (when {@code rightLower} is the right side's event time, which future rows have at or past the
 * watermark); a right row, once {@code right[rightUpper] + upperMillis} is (when {@code leftUpper} is the left
 * side's event time).
 */
public record IntervalBound(int leftLower, int rightLower, long lowerMillis, int leftUpper, int rightUpper,
                            long upperMillis) {
    /** {@code left[leftTime] BETWEEN right[rightTime] + lowerMillis AND right[rightTime] + upperMillis}. */
    public static IntervalBound between(int leftTime, int rightTime, long lowerMillis, long upperMillis) {
        if (lowerMillis > upperMillis) {
            throw new IllegalArgumentException("The time bound of a stream join is empty: " + lowerMillis + " ms > "
                    + upperMillis + " ms");
        }
        return new IntervalBound(leftTime, rightTime, lowerMillis, leftTime, rightTime, upperMillis);
    }

    /** Whether the two bounds are on different columns (a row's own end time), not one interval. */
    public boolean isColumnBound() {
        return leftLower != leftUpper || rightLower != rightUpper;
    }

    /**
     * How long after the watermark a pair or a null-padded row can still be emitted, behind the watermark: the
     * width of the interval on its far side. For a column bound, unbounded in general (a row's end time).
     */
    public long delayMillis() {
        return Math.max(0, Math.max(-lowerMillis, upperMillis));
    }

    /** The bound as EXPLAIN shows it, with the sides' column names. */
    public String describe(PhysicalNode left, PhysicalNode right) {
        return describe(left.schema().names(), right.schema().names());
    }

    /** The bound as EXPLAIN shows it, with the sides' column names. */
    public String describe(java.util.List<String> leftNames, java.util.List<String> rightNames) {
        if (!isColumnBound()) {
            return leftNames.get(leftLower) + " BETWEEN " + rightNames.get(rightLower) + " + " + lowerMillis
                    + " ms AND + " + upperMillis + " ms";
        }
        return leftNames.get(leftLower) + " >= " + rightNames.get(rightLower) + " + " + lowerMillis + " ms AND "
                + leftNames.get(leftUpper) + " <= " + rightNames.get(rightUpper) + " + " + upperMillis + " ms";
    }
}
