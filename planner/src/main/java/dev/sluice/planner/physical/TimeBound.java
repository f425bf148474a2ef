package dev.sluice.planner.physical;

import dev.sluice.execution.plan.IntervalBound;
import java.math.BigDecimal;
import java.util.Optional;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The event-time bound of a join of two streams, read from its ON clause:
 * {@code left[leftLower] >= right[rightLower] + lowerMillis AND left[leftUpper] <= right[rightUpper] + upperMillis},
 * from comparisons such as {@code a.ts >= b.ts - INTERVAL '1' MINUTE} and {@code a.ts <= b.ts} (either side
 * first, intervals on either; a strict comparison is one millisecond tighter, timestamps having millisecond
 * precision). The lower and the upper bound may be on different columns: {@code b.ts BETWEEN a.ts AND a.expires}.
 *
 * @param leftLower the left column of the lower bound, its index in the join's row
 * @param rightLower the right column of the lower bound, its index in the join's row
 * @param leftUpper the left column of the upper bound, its index in the join's row
 * @param rightUpper the right column of the upper bound, its index in the join's row
 */
record TimeBound(int leftLower, int rightLower, long lowerMillis, int leftUpper, int rightUpper, long upperMillis) {
    /** {@code left[leftTime] BETWEEN right[rightTime] + lowerMillis AND right[rightTime] + upperMillis}. */
    TimeBound(int leftTime, int rightTime, long lowerMillis, long upperMillis) {
        this(leftTime, rightTime, lowerMillis, leftTime, rightTime, upperMillis);
    }

    /** The bound with each side's columns numbered within that side's row. */
    IntervalBound toIntervalBound(int leftWidth) {
        return new IntervalBound(leftLower, rightLower - leftWidth, lowerMillis, leftUpper, rightUpper - leftWidth,
                upperMillis);
    }

    /**
     * The bound in {@code condition}, if it has both a lower and an upper one (the lower bounds all on one pair
     * of columns, the upper bounds on one pair).
     */
    static Optional<TimeBound> of(RexNode condition, int leftWidth) {
        int[] lowerColumns = null;
        int[] upperColumns = null;
        Long lower = null;
        Long upper = null;
        for (RexNode conjunct : RelOptUtil.conjunctions(condition)) {
            Optional<Comparison> c = Comparison.of(conjunct, leftWidth);
            if (c.isEmpty()) {
                continue;
            }
            int[] columns = {c.get().left(), c.get().right()};
            if (c.get().lower()) {
                if (lowerColumns != null && !java.util.Arrays.equals(lowerColumns, columns)) {
                    return Optional.empty();  // lower bounds on different columns: not one interval
                }
                lowerColumns = columns;
                lower = lower == null ? c.get().millis() : Math.max(lower, c.get().millis());
            } else {
                if (upperColumns != null && !java.util.Arrays.equals(upperColumns, columns)) {
                    return Optional.empty();
                }
                upperColumns = columns;
                upper = upper == null ? c.get().millis() : Math.min(upper, c.get().millis());
            }
        }
        if (lower == null || upper == null) {
            return Optional.empty();
        }
        return Optional.of(new TimeBound(lowerColumns[0], lowerColumns[1], lower, upperColumns[0], upperColumns[1],
                upper));
    }

    /**
     * Whether every conjunct of {@code condition} is a comparison between a time of each side (all of them then
     * in the bound {@link #of} reads): the bound is the whole condition.
     */
    static boolean isWholeCondition(RexNode condition, int leftWidth) {
        return RelOptUtil.conjunctions(condition).stream().allMatch(c -> Comparison.of(c, leftWidth).isPresent());
    }

    /** One conjunct, normalised to {@code left (>= or <=) right + millis}. */
    private record Comparison(int left, int right, boolean lower, long millis) {
        static Optional<Comparison> of(RexNode conjunct, int leftWidth) {
            if (!(conjunct instanceof RexCall call) || call.getOperands().size() != 2) {
                return Optional.empty();
            }
            SqlKind kind = call.getKind();
            if (kind != SqlKind.GREATER_THAN && kind != SqlKind.GREATER_THAN_OR_EQUAL && kind != SqlKind.LESS_THAN
                    && kind != SqlKind.LESS_THAN_OR_EQUAL) {
                return Optional.empty();
            }
            Optional<Shifted> a = Shifted.of(call.getOperands().get(0));
            Optional<Shifted> b = Shifted.of(call.getOperands().get(1));
            if (a.isEmpty() || b.isEmpty()) {
                return Optional.empty();
            }
            Shifted l = a.get();
            Shifted r = b.get();
            boolean flipped = false;
            if (l.column() >= leftWidth && r.column() < leftWidth) {
                Shifted t = l;
                l = r;
                r = t;
                flipped = true;
            }
            if (l.column() >= leftWidth || r.column() < leftWidth) {
                return Optional.empty();  // both on one side: not a bound between the two streams
            }
            long offset = r.millis() - l.millis();
            boolean greater = kind == SqlKind.GREATER_THAN || kind == SqlKind.GREATER_THAN_OR_EQUAL;
            boolean strict = kind == SqlKind.GREATER_THAN || kind == SqlKind.LESS_THAN;
            boolean lower = greater != flipped;
            return Optional.of(new Comparison(l.column(), r.column(), lower,
                    strict ? (lower ? offset + 1 : offset - 1) : offset));
        }
    }

    /** A TIMESTAMP column plus or minus a constant interval. */
    private record Shifted(int column, long millis) {
        static Optional<Shifted> of(RexNode node) {
            if (node instanceof RexInputRef ref && ref.getType().getSqlTypeName() == SqlTypeName.TIMESTAMP) {
                return Optional.of(new Shifted(ref.getIndex(), 0));
            }
            if (node instanceof RexCall call && call.getOperands().size() == 2
                    && (call.getKind() == SqlKind.PLUS || call.getKind() == SqlKind.MINUS)
                    && call.getOperands().get(0) instanceof RexInputRef ref
                    && call.getOperands().get(1) instanceof RexLiteral literal
                    && literal.getType().getSqlTypeName().getFamily() == SqlTypeFamily.INTERVAL_DAY_TIME) {
                long millis = literal.getValueAs(BigDecimal.class).longValueExact();
                return Optional.of(new Shifted(ref.getIndex(), call.getKind() == SqlKind.PLUS ? millis : -millis));
            }
            return Optional.empty();
        }
    }
}
