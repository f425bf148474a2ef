package dev.sluice.planner.physical;

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
 * The event-time bound of a stream-stream join, read from its ON clause:
 * {@code left.time BETWEEN right.time + lowerMillis AND right.time + upperMillis}, from comparisons such as
 * {@code a.ts >= b.ts - INTERVAL '1' MINUTE} and {@code a.ts <= b.ts} (either side first, intervals on either).
 *
 * @param leftTime the left time column's index in the join's row
 * @param rightTime the right time column's index in the join's row
 */
record TimeBound(int leftTime, int rightTime, long lowerMillis, long upperMillis) {
    /** The bound in {@code condition}, if it has both a lower and an upper one on the same two columns. */
    static Optional<TimeBound> of(RexNode condition, int leftWidth) {
        Integer leftTime = null;
        Integer rightTime = null;
        Long lower = null;
        Long upper = null;
        for (RexNode conjunct : RelOptUtil.conjunctions(condition)) {
            if (!(conjunct instanceof RexCall call) || call.getOperands().size() != 2) {
                continue;
            }
            SqlKind kind = call.getKind();
            if (kind != SqlKind.GREATER_THAN && kind != SqlKind.GREATER_THAN_OR_EQUAL && kind != SqlKind.LESS_THAN
                    && kind != SqlKind.LESS_THAN_OR_EQUAL) {
                continue;
            }
            Optional<Shifted> a = Shifted.of(call.getOperands().get(0));
            Optional<Shifted> b = Shifted.of(call.getOperands().get(1));
            if (a.isEmpty() || b.isEmpty()) {
                continue;
            }
            // Normalise to: left.time (op) right.time + offset.
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
                continue;  // both on one side: not a bound between the two streams
            }
            if ((leftTime != null && leftTime != l.column()) || (rightTime != null && rightTime != r.column())) {
                return Optional.empty();  // bounds on different columns: not one window
            }
            leftTime = l.column();
            rightTime = r.column();
            long offset = r.millis() - l.millis();
            boolean greater = kind == SqlKind.GREATER_THAN || kind == SqlKind.GREATER_THAN_OR_EQUAL;
            if (greater != flipped) {
                lower = lower == null ? offset : Math.max(lower, offset);
            } else {
                upper = upper == null ? offset : Math.min(upper, offset);
            }
        }
        if (lower == null || upper == null) {
            return Optional.empty();
        }
        return Optional.of(new TimeBound(leftTime, rightTime, lower, upper));
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
