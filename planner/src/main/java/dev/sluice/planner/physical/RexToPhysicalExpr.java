package dev.sluice.planner.physical;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.BoundType;
import com.google.common.collect.Range;
import dev.sluice.execution.expr.And;
import dev.sluice.execution.expr.Arithmetic;
import dev.sluice.execution.expr.BooleanTest;
import dev.sluice.execution.expr.Case;
import dev.sluice.execution.expr.Cast;
import dev.sluice.execution.expr.CharLength;
import dev.sluice.execution.expr.Coalesce;
import dev.sluice.execution.expr.DateFormat;
import dev.sluice.execution.expr.ColumnRef;
import dev.sluice.execution.expr.Comparison;
import dev.sluice.execution.expr.Concat;
import dev.sluice.execution.expr.ConstantFolding;
import dev.sluice.execution.expr.DateTimeUnit;
import dev.sluice.execution.expr.Extract;
import dev.sluice.execution.expr.IsNull;
import dev.sluice.execution.expr.LetterCase;
import dev.sluice.execution.expr.Like;
import dev.sluice.execution.expr.Literal;
import dev.sluice.execution.expr.MathFunction;
import dev.sluice.execution.expr.Negate;
import dev.sluice.execution.expr.Not;
import dev.sluice.execution.expr.Or;
import dev.sluice.execution.expr.ParseTimestamp;
import dev.sluice.execution.expr.PhysicalExpr;
import dev.sluice.execution.expr.ProcessingTime;
import dev.sluice.execution.expr.Position;
import dev.sluice.execution.expr.RegexpExtract;
import dev.sluice.execution.expr.Replace;
import dev.sluice.execution.expr.Search;
import dev.sluice.execution.expr.HopWindowStart;
import dev.sluice.execution.expr.SessionWindowTime;
import dev.sluice.execution.expr.SplitIndex;
import dev.sluice.execution.expr.Substring;
import dev.sluice.execution.expr.Trim;
import dev.sluice.execution.expr.TimestampPlusInterval;
import dev.sluice.execution.expr.TumbleWindowStart;
import dev.sluice.execution.expr.TruncateTimestamp;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.planner.PlanningException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.calcite.avatica.util.TimeUnitRange;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.sql.fun.SqlLikeOperator;
import org.apache.calcite.sql.fun.SqlTrimFunction;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.NlsString;
import org.apache.calcite.util.Sarg;
import org.apache.calcite.util.TimestampString;

/**
 * Converts Calcite row expressions ({@link RexNode}) into Sluice's vectorised {@link PhysicalExpr}s.
 *
 * <p>Every converted node has the executed type of its Calcite type (see {@link TypeMapping}): where Sluice's
 * own typing differs (e.g. SMALLINT arithmetic, DECIMAL results), a cast is added. Sub-expressions whose
 * arguments are all constants are computed once, here ({@link ConstantFolding}).
 *
 * <p>Unsupported operators and types fail with a {@link PlanningException} naming the operator and its
 * operand types, e.g. {@code "Function JSON_VALUE(VARCHAR, CHAR) is not supported yet"}.
 */
public final class RexToPhysicalExpr {
    private final RowSchema input;

    private RexToPhysicalExpr(RowSchema input) {
        this.input = requireNonNull(input, "input is null");
    }

    /**
     * Converts {@code node}, whose {@link RexInputRef}s index the columns of {@code input}.
     *
     * @throws PlanningException for an operator, function or type Sluice can't run yet
     */
    public static PhysicalExpr convert(RexNode node, RowSchema input) {
        try {
            return new RexToPhysicalExpr(input).toExpr(node);
        } catch (IllegalArgumentException e) {
            // Type errors found while building expressions, e.g. "Cannot combine VARCHAR and INTEGER in ...".
            throw new PlanningException(e.getMessage(), e);
        }
    }

    private PhysicalExpr toExpr(RexNode node) {
        ColumnType expected = columnType(node);
        PhysicalExpr expr;
        if (node instanceof RexInputRef ref) {
            expr = columnRef(ref);
        } else if (node instanceof RexLiteral literal) {
            expr = literal(literal, expected);
        } else if (node instanceof RexCall call) {
            expr = ConstantFolding.fold(call(call));
        } else {
            throw new PlanningException("Expression " + node + " (" + node.getKind() + ") is not supported yet");
        }
        return Cast.of(expr, expected);
    }

    private List<PhysicalExpr> toExprs(List<RexNode> nodes) {
        List<PhysicalExpr> exprs = new ArrayList<>(nodes.size());
        for (RexNode n : nodes) {
            exprs.add(toExpr(n));
        }
        return exprs;
    }

    private static ColumnType columnType(RexNode node) {
        try {
            return TypeMapping.toColumnType(node.getType());
        } catch (IllegalArgumentException e) {
            if (node instanceof RexCall call && call.getKind() != SqlKind.CAST) {
                throw unsupported(call);
            }
            throw new PlanningException(e.getMessage() + " (in " + node + ")", e);
        }
    }

    private ColumnRef columnRef(RexInputRef ref) {
        int index = ref.getIndex();
        if (index >= input.size()) {
            throw new IllegalStateException("Input reference " + ref + " beyond the " + input.size() + " input columns "
                    + input.names());
        }
        Column column = input.column(index);
        return new ColumnRef(index, column.name(), column.type());
    }

    // ---- Time windows and intervals

    private static boolean isInterval(RexNode node) {
        return SqlTypeUtil.isInterval(node.getType());
    }

    /** The milliseconds of a constant day-time interval, or an error naming the expression. */
    static long intervalMillis(RexNode node, RexCall call) {
        if (node instanceof RexLiteral literal && SqlTypeUtil.isInterval(literal.getType())
                && literal.getType().getSqlTypeName().getFamily() == SqlTypeFamily.INTERVAL_DAY_TIME) {
            return literal.getValueAs(BigDecimal.class).longValueExact();
        }
        throw new PlanningException("Only constant day-time intervals (e.g. INTERVAL '10' SECOND) are supported in "
                + call);
    }

    /** {@code ts + INTERVAL ...} ({@code sign} 1) or {@code ts - INTERVAL ...} ({@code sign} -1). */
    private PhysicalExpr plusInterval(RexCall call, int sign) {
        return new TimestampPlusInterval(toExpr(call.getOperands().get(0)),
                sign * intervalMillis(call.getOperands().get(1), call));
    }

    /** {@code TUMBLE(ts, size [, offset])} in GROUP BY: the window's start. */
    private PhysicalExpr tumble(RexCall call) {
        List<RexNode> operands = call.getOperands();
        long offset = operands.size() > 2 ? intervalMillis(operands.get(2), call) : 0;
        return new TumbleWindowStart(toExpr(operands.get(0)), intervalMillis(operands.get(1), call), offset);
    }

    /** {@code HOP(ts, slide, size [, offset])} in GROUP BY: the start of the latest window holding the row. */
    private PhysicalExpr hop(RexCall call) {
        List<RexNode> operands = call.getOperands();
        long offset = operands.size() > 3 ? intervalMillis(operands.get(3), call) : 0;
        try {
            return new HopWindowStart(toExpr(operands.get(0)), intervalMillis(operands.get(1), call),
                    intervalMillis(operands.get(2), call), offset);
        } catch (IllegalArgumentException e) {
            throw new PlanningException(e.getMessage() + " (in " + call + ")", e);
        }
    }

    // ---- Literals

    private static Literal literal(RexLiteral literal, ColumnType type) {
        if (literal.isNull()) {
            return Literal.nullOf(type);
        }
        Object value = switch (type) {
            case BOOLEAN -> literal.getValueAs(Boolean.class);
            case INTEGER -> literal.getValueAs(BigDecimal.class).intValueExact();
            case BIGINT -> literal.getValueAs(BigDecimal.class).longValueExact();
            case DOUBLE -> literal.getValueAs(Double.class);
            case VARCHAR -> literal.getValueAs(String.class);
            case TIMESTAMP -> literal.getValueAs(TimestampString.class).getMillisSinceEpoch();
        };
        return new Literal(value, type);
    }

    // ---- Calls

    private PhysicalExpr call(RexCall call) {
        List<RexNode> operands = call.getOperands();
        SqlKind kind = call.getKind();
        switch (kind) {
            case PLUS, CHECKED_PLUS:
                return isInterval(operands.get(1)) ? plusInterval(call, 1) : arithmetic(call, Arithmetic.Operator.ADD);
            case MINUS, CHECKED_MINUS:
                return isInterval(operands.get(1)) ? plusInterval(call, -1) : arithmetic(call, Arithmetic.Operator.SUBTRACT);
            case TUMBLE:
                return tumble(call);
            case HOP:
                return hop(call);
            case SESSION:
                return new SessionWindowTime(toExpr(call.getOperands().get(0)),
                        intervalMillis(call.getOperands().get(1), call));
            case TIMES, CHECKED_TIMES:
                return arithmetic(call, Arithmetic.Operator.MULTIPLY);
            case DIVIDE, CHECKED_DIVIDE:
                return arithmetic(call, Arithmetic.Operator.DIVIDE);
            case MOD:
                return arithmetic(call, Arithmetic.Operator.MODULO);
            case MINUS_PREFIX, CHECKED_MINUS_PREFIX:
                requireSupportedOperands(call);
                return new Negate(toExpr(operands.get(0)));
            case PLUS_PREFIX:
                return toExpr(operands.get(0));
            case EQUALS:
                return comparison(call, Comparison.Operator.EQUAL);
            case NOT_EQUALS:
                return comparison(call, Comparison.Operator.NOT_EQUAL);
            case LESS_THAN:
                return comparison(call, Comparison.Operator.LESS_THAN);
            case LESS_THAN_OR_EQUAL:
                return comparison(call, Comparison.Operator.LESS_THAN_OR_EQUAL);
            case GREATER_THAN:
                return comparison(call, Comparison.Operator.GREATER_THAN);
            case GREATER_THAN_OR_EQUAL:
                return comparison(call, Comparison.Operator.GREATER_THAN_OR_EQUAL);
            case IS_NOT_DISTINCT_FROM:
                return notDistinct(call);
            case IS_DISTINCT_FROM:
                return new Not(notDistinct(call));
            case AND:
                return new And(toExprs(operands));
            case OR:
                return inList(call).orElseGet(() -> new Or(toExprs(operands)));
            case NOT:
                return new Not(toExpr(operands.get(0)));
            case IS_NULL:
                return IsNull.isNull(toExpr(operands.get(0)));
            case IS_NOT_NULL:
                return IsNull.isNotNull(toExpr(operands.get(0)));
            case IS_TRUE:
                return new BooleanTest(toExpr(operands.get(0)), true, false);
            case IS_NOT_TRUE:
                return new BooleanTest(toExpr(operands.get(0)), true, true);
            case IS_FALSE:
                return new BooleanTest(toExpr(operands.get(0)), false, false);
            case IS_NOT_FALSE:
                return new BooleanTest(toExpr(operands.get(0)), false, true);
            case CASE:
                return caseWhen(call);
            case COALESCE:
                return new Coalesce(toExprs(operands));
            case CAST:
                return cast(call);
            case REINTERPRET:
                return reinterpret(call);
            case SEARCH:
                return search(call);
            case LIKE:
                return like(call);
            case TRIM:
                return trim(call);
            case POSITION:
                if (operands.size() != 2) {
                    throw unsupported(call);
                }
                return new Position(toExpr(operands.get(0)), toExpr(operands.get(1)));
            case CHAR_LENGTH:
                return new CharLength(toExpr(operands.get(0)));
            case EXTRACT:
                return extract(call);
            case FLOOR, CEIL:
                return floorOrCeil(call, kind == SqlKind.CEIL);
            default:
                return function(call);
        }
    }

    /** Functions recognised by name (Calcite files most of them under OTHER_FUNCTION). */
    private PhysicalExpr function(RexCall call) {
        List<RexNode> operands = call.getOperands();
        requireSupportedOperands(call);
        String name = call.getOperator().getName().toUpperCase(Locale.ROOT);
        int arity = operands.size();
        switch (name) {
            case "/INT":
                return arithmetic(call, Arithmetic.Operator.DIVIDE);
            case "UPPER", "LOWER", "INITCAP":
                return new LetterCase(LetterCase.Mode.valueOf(name), toExpr(operands.get(0)));
            case "CHAR_LENGTH", "CHARACTER_LENGTH":
                return new CharLength(toExpr(operands.get(0)));
            case "SUBSTRING":
                return new Substring(toExpr(operands.get(0)), toExpr(operands.get(1)),
                        arity > 2 ? toExpr(operands.get(2)) : null);
            case "||", "CONCAT":
                return new Concat(toExprs(operands));
            case "REPLACE":
                return new Replace(toExpr(operands.get(0)), toExpr(operands.get(1)), toExpr(operands.get(2)));
            case "ABS", "SIGN", "ROUND", "POWER", "SQRT", "LN", "LOG10", "EXP":
                return new MathFunction(MathFunction.Kind.valueOf(name), toExprs(operands));
            case "MOD":
                return arithmetic(call, Arithmetic.Operator.MODULO);
            case "TO_TIMESTAMP_LTZ":
                return toTimestampLtz(call);
            case "TO_TIMESTAMP":
                return new ParseTimestamp(toExpr(operands.get(0)), arity > 1
                        ? Optional.of(constantString(operands.get(1), call)) : Optional.empty());
            case "DATE_FORMAT":
                return new DateFormat(toExpr(operands.get(0)), constantString(operands.get(1), call));
            case "REGEXP_EXTRACT":
                return new RegexpExtract(toExpr(operands.get(0)), constantString(operands.get(1), call),
                        arity > 2 ? toExpr(operands.get(2)) : Literal.of(0));
            case "PROCTIME":
                // A bounded query's is a literal by now; a continuous query's is each batch's logged time.
                return ProcessingTime.INSTANCE;
            case "SPLIT_INDEX":
                return new SplitIndex(toExpr(operands.get(0)), toExpr(operands.get(1)), toExpr(operands.get(2)));
            default:
                throw unsupported(call);
        }
    }

    /** {@code TO_TIMESTAMP_LTZ(epoch, 0 | 3)}: epoch seconds or milliseconds as a TIMESTAMP (epoch milliseconds). */
    private PhysicalExpr toTimestampLtz(RexCall call) {
        RexNode precisionNode = call.getOperands().get(1);
        Integer precision = precisionNode instanceof RexLiteral l ? l.getValueAs(Integer.class) : null;
        if (precision == null || (precision != 0 && precision != 3)) {
            throw new PlanningException("The precision of TO_TIMESTAMP_LTZ must be 0 (epoch seconds) or 3 (epoch "
                    + "milliseconds), got " + precisionNode + " in " + call);
        }
        PhysicalExpr epoch = toExpr(call.getOperands().get(0));
        if (precision == 0) {
            epoch = epoch.type() == ColumnType.DOUBLE
                    ? new Arithmetic(Arithmetic.Operator.MULTIPLY, epoch, Literal.of(1000.0))
                    : new Arithmetic(Arithmetic.Operator.MULTIPLY, Cast.of(epoch, ColumnType.BIGINT), Literal.of(1000L));
        }
        return Cast.of(epoch, ColumnType.TIMESTAMP);
    }

    private static String constantString(RexNode node, RexCall call) {
        String value = node instanceof RexLiteral l ? l.getValueAs(String.class) : null;
        if (value == null) {
            throw new PlanningException("Expected a constant string in " + call + ", got " + node);
        }
        return value;
    }

    private PhysicalExpr arithmetic(RexCall call, Arithmetic.Operator operator) {
        requireSupportedOperands(call);
        if (call.getOperands().size() != 2) {
            throw unsupported(call);
        }
        return new Arithmetic(operator, toExpr(call.getOperands().get(0)), toExpr(call.getOperands().get(1)));
    }

    private PhysicalExpr comparison(RexCall call, Comparison.Operator operator) {
        requireSupportedOperands(call);
        return new Comparison(operator, toExpr(call.getOperands().get(0)), toExpr(call.getOperands().get(1)));
    }

    /** {@code a IS NOT DISTINCT FROM b}: equal, or both NULL; never NULL. */
    private PhysicalExpr notDistinct(RexCall call) {
        requireSupportedOperands(call);
        PhysicalExpr a = toExpr(call.getOperands().get(0));
        PhysicalExpr b = toExpr(call.getOperands().get(1));
        return Or.of(And.of(IsNull.isNull(a), IsNull.isNull(b)),
                new BooleanTest(new Comparison(Comparison.Operator.EQUAL, a, b), true, false));
    }

    private PhysicalExpr caseWhen(RexCall call) {
        List<RexNode> operands = call.getOperands();
        List<Case.When> whens = new ArrayList<>();
        for (int i = 0; i + 1 < operands.size(); i += 2) {
            whens.add(new Case.When(toExpr(operands.get(i)), toExpr(operands.get(i + 1))));
        }
        return new Case(whens, toExpr(operands.get(operands.size() - 1)));
    }

    private PhysicalExpr cast(RexCall call) {
        RexNode operand = call.getOperands().get(0);
        RelDataType target = call.getType();
        requireSupportedOperands(call);
        PhysicalExpr value = Cast.of(toExpr(operand), TypeMapping.toColumnType(target));
        SqlTypeName from = operand.getType().getSqlTypeName();
        // DECIMAL runs as DOUBLE; an explicit scale still rounds, as it would in exact arithmetic.
        if (target.getSqlTypeName() == SqlTypeName.DECIMAL && target.getScale() >= 0
                && (SqlTypeName.APPROX_TYPES.contains(from)
                || (from == SqlTypeName.DECIMAL && operand.getType().getScale() > target.getScale()))) {
            value = MathFunction.of(MathFunction.Kind.ROUND, value, Literal.of(target.getScale()));
        }
        // TIMESTAMP(0) drops the milliseconds.
        if (target.getSqlTypeName() == SqlTypeName.TIMESTAMP && target.getPrecision() == 0
                && !(from == SqlTypeName.TIMESTAMP && operand.getType().getPrecision() == 0)) {
            value = new TruncateTimestamp(value, DateTimeUnit.SECOND, false);
        }
        return value;
    }

    /** Calcite's REINTERPRET changes a value's type without changing its representation. */
    private PhysicalExpr reinterpret(RexCall call) {
        requireSupportedOperands(call);
        return toExpr(call.getOperands().get(0));
    }

    private PhysicalExpr like(RexCall call) {
        SqlLikeOperator operator = (SqlLikeOperator) call.getOperator();
        if (!operator.isCaseSensitive()) {
            throw unsupported(call);
        }
        requireSupportedOperands(call);
        List<RexNode> operands = call.getOperands();
        Character escape = null;
        if (operands.size() > 2) {
            String text = operands.get(2) instanceof RexLiteral l ? l.getValueAs(String.class) : null;
            if (text == null || text.length() != 1) {
                throw new PlanningException("The ESCAPE of LIKE must be a single character, got " + operands.get(2));
            }
            escape = text.charAt(0);
        }
        PhysicalExpr like = new Like(toExpr(operands.get(0)), toExpr(operands.get(1)), escape);
        return operator.isNegated() ? new Not(like) : like;
    }

    private PhysicalExpr trim(RexCall call) {
        List<RexNode> operands = call.getOperands();
        SqlTrimFunction.Flag flag = ((RexLiteral) operands.get(0)).getValueAs(SqlTrimFunction.Flag.class);
        Trim.Side side = switch (requireNonNull(flag, "TRIM flag")) {
            case BOTH -> Trim.Side.BOTH;
            case LEADING -> Trim.Side.LEADING;
            case TRAILING -> Trim.Side.TRAILING;
        };
        return new Trim(side, toExpr(operands.get(1)), toExpr(operands.get(2)));
    }

    private PhysicalExpr extract(RexCall call) {
        List<RexNode> operands = call.getOperands();
        TimeUnitRange unit = ((RexLiteral) operands.get(0)).getValueAs(TimeUnitRange.class);
        RexNode value = operands.get(1);
        if (value.getType().getSqlTypeName() != SqlTypeName.TIMESTAMP) {
            throw unsupported(call);
        }
        DateTimeUnit field = dateTimeUnit(requireNonNull(unit, "EXTRACT unit"));
        if (field == null) {
            throw new PlanningException("EXTRACT(" + unit + " FROM ...) is not supported yet");
        }
        return new Extract(field, toExpr(value));
    }

    private PhysicalExpr floorOrCeil(RexCall call, boolean ceil) {
        List<RexNode> operands = call.getOperands();
        if (operands.size() == 1) {
            requireSupportedOperands(call);
            return MathFunction.of(ceil ? MathFunction.Kind.CEIL : MathFunction.Kind.FLOOR, toExpr(operands.get(0)));
        }
        RexNode value = operands.get(0);
        TimeUnitRange unit = operands.get(1) instanceof RexLiteral l ? l.getValueAs(TimeUnitRange.class) : null;
        if (value.getType().getSqlTypeName() != SqlTypeName.TIMESTAMP || unit == null) {
            throw unsupported(call);
        }
        DateTimeUnit field = dateTimeUnit(unit);
        if (field == null || !TruncateTimestamp.supports(field)) {
            throw new PlanningException((ceil ? "CEIL" : "FLOOR") + "(... TO " + unit + ") is not supported yet");
        }
        return new TruncateTimestamp(toExpr(value), field, ceil);
    }

    /** Calcite's time unit as Sluice's, or null if Sluice has no such unit. */
    private static DateTimeUnit dateTimeUnit(TimeUnitRange unit) {
        return switch (unit) {
            case YEAR -> DateTimeUnit.YEAR;
            case QUARTER -> DateTimeUnit.QUARTER;
            case MONTH -> DateTimeUnit.MONTH;
            case WEEK -> DateTimeUnit.WEEK;
            case DAY -> DateTimeUnit.DAY;
            case DOW -> DateTimeUnit.DAY_OF_WEEK;
            case DOY -> DateTimeUnit.DAY_OF_YEAR;
            case HOUR -> DateTimeUnit.HOUR;
            case MINUTE -> DateTimeUnit.MINUTE;
            case SECOND -> DateTimeUnit.SECOND;
            case MILLISECOND -> DateTimeUnit.MILLISECOND;
            case EPOCH -> DateTimeUnit.EPOCH;
            default -> null;
        };
    }

    // ---- SEARCH (IN lists, BETWEEN, NOT IN and their combinations)

    /**
     * {@code x = c1 OR x = c2 OR ... [OR x IS NULL]} (how Calcite plans {@code x IN (...)} in a WHERE clause)
     * as one binary-searched {@link Search} instead of a comparison per value; empty if the call has
     * another shape.
     */
    private Optional<PhysicalExpr> inList(RexCall or) {
        RexNode subject = null;
        List<RexLiteral> values = new ArrayList<>();
        boolean nullAsTrue = false;
        for (RexNode operand : or.getOperands()) {
            if (operand.getKind() == SqlKind.IS_NULL && !nullAsTrue) {
                RexNode tested = ((RexCall) operand).getOperands().get(0);
                if (subject != null && !subject.equals(tested)) {
                    return Optional.empty();
                }
                subject = tested;
                nullAsTrue = true;
                continue;
            }
            if (operand.getKind() != SqlKind.EQUALS) {
                return Optional.empty();
            }
            List<RexNode> sides = ((RexCall) operand).getOperands();
            int literalSide = sides.get(1) instanceof RexLiteral ? 1 : sides.get(0) instanceof RexLiteral ? 0 : -1;
            if (literalSide < 0 || ((RexLiteral) sides.get(literalSide)).isNull()) {
                return Optional.empty();
            }
            RexNode other = sides.get(1 - literalSide);
            if (other instanceof RexLiteral || (subject != null && !subject.equals(other))) {
                return Optional.empty();
            }
            subject = other;
            values.add((RexLiteral) sides.get(literalSide));
        }
        if (values.size() < 2) {
            return Optional.empty();
        }
        PhysicalExpr operand = toExpr(subject);
        if (operand.type() == ColumnType.BOOLEAN) {
            return Optional.empty();
        }
        List<Search.Range> points = new ArrayList<>();
        for (RexLiteral literal : values) {
            PhysicalExpr value = toExpr(literal);
            // Only values the operand's type holds exactly (no 2.5 in an INTEGER list).
            PhysicalExpr converted = Cast.of(value, operand.type());
            if (!(converted instanceof Literal point) || !Cast.of(point, value.type()).equals(value)) {
                return Optional.empty();
            }
            if (points.stream().noneMatch(p -> p.lower().equals(point.value()))) {
                points.add(Search.Range.point(point.value()));
            }
        }
        return Optional.of(new Search(operand, points, nullAsTrue ? Search.NullAs.TRUE : Search.NullAs.UNKNOWN));
    }

    private PhysicalExpr search(RexCall call) {
        RexNode operandNode = call.getOperands().get(0);
        RexLiteral sargLiteral = (RexLiteral) call.getOperands().get(1);
        requireSupportedOperands(call);
        PhysicalExpr operand = toExpr(operandNode);
        Sarg<?> sarg = requireNonNull(sargLiteral.getValueAs(Sarg.class), "Sarg");
        // Integer columns searched with fractional bounds (x > 2.5) compare as DOUBLE.
        if ((operand.type() == ColumnType.INTEGER || operand.type() == ColumnType.BIGINT) && !integral(sarg)) {
            operand = Cast.of(operand, ColumnType.DOUBLE);
        }
        List<Search.Range> ranges = new ArrayList<>();
        for (Range<?> range : sarg.rangeSet.asRanges()) {
            Object lower = range.hasLowerBound() ? value(range.lowerEndpoint(), operand.type()) : null;
            Object upper = range.hasUpperBound() ? value(range.upperEndpoint(), operand.type()) : null;
            ranges.add(new Search.Range(lower, range.hasLowerBound() && range.lowerBoundType() == BoundType.CLOSED,
                    upper, range.hasUpperBound() && range.upperBoundType() == BoundType.CLOSED));
        }
        Search.NullAs nullAs = switch (sarg.nullAs) {
            case TRUE -> Search.NullAs.TRUE;
            case FALSE -> Search.NullAs.FALSE;
            case UNKNOWN -> Search.NullAs.UNKNOWN;
        };
        return new Search(operand, ranges, nullAs);
    }

    private static boolean integral(Sarg<?> sarg) {
        for (Range<?> range : sarg.rangeSet.asRanges()) {
            for (Object bound : List.of(range.hasLowerBound() ? range.lowerEndpoint() : 0,
                    range.hasUpperBound() ? range.upperEndpoint() : 0)) {
                if (bound instanceof BigDecimal d && !isLong(d)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean isLong(BigDecimal d) {
        try {
            d.longValueExact();
            return true;
        } catch (ArithmeticException e) {
            return false;
        }
    }

    /** A Sarg bound as a value of {@code type}, in the Java classes {@link Literal} takes. */
    private static Object value(Object bound, ColumnType type) {
        if (bound instanceof NlsString s) {
            return s.getValue();
        }
        if (bound instanceof TimestampString t) {
            return t.getMillisSinceEpoch();
        }
        if (bound instanceof BigDecimal d) {
            return switch (type) {
                case INTEGER -> d.intValueExact();
                case BIGINT -> d.longValueExact();
                case TIMESTAMP -> d.longValueExact();
                default -> d.doubleValue();
            };
        }
        if (bound instanceof Number || bound instanceof Boolean || bound instanceof String) {
            return bound;
        }
        throw new PlanningException("Search bound " + bound + " (" + bound.getClass().getSimpleName() + ") is not supported yet");
    }

    // ---- Errors

    /** Fails naming the call if an operand has a type Sluice can't run (e.g. INTERVAL in {@code ts + INTERVAL ...}). */
    private static void requireSupportedOperands(RexCall call) {
        for (RexNode operand : call.getOperands()) {
            if (operand.getType().getSqlTypeName() == SqlTypeName.SARG) {
                continue;
            }
            try {
                TypeMapping.toColumnType(operand.getType());
            } catch (IllegalArgumentException e) {
                throw unsupported(call);
            }
        }
    }

    private static PlanningException unsupported(RexCall call) {
        String name = call.getOperator().getName();
        String types = call.getOperands().stream().map(o -> TypeMapping.describe(o.getType()))
                .collect(Collectors.joining(", "));
        if (call.getOperator() instanceof SqlFunction) {
            return new PlanningException("Function " + name + "(" + types + ") is not supported yet");
        }
        return new PlanningException("Operator '" + name + "' on (" + types + ") is not supported yet");
    }
}
