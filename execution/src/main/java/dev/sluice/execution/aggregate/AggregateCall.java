package dev.sluice.execution.aggregate;

import static dev.sluice.execution.type.ColumnType.BIGINT;
import static dev.sluice.execution.type.ColumnType.DOUBLE;
import static dev.sluice.execution.type.ColumnType.INTEGER;
import static dev.sluice.execution.type.ColumnType.TIMESTAMP;
import static dev.sluice.execution.type.ColumnType.VARCHAR;
import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import java.util.Set;

/**
 * One aggregate of a GROUP BY: the function, the input column it reads (already computed by a projection
 * below the aggregation), and its output column.
 *
 * @param function the aggregate function
 * @param argument index of the argument column in the input batch, -1 for {@code COUNT(*)}
 * @param argumentType type of the argument column, null for {@code COUNT(*)}
 * @param name the output column's name
 * @param resultType the output column's type: BIGINT for the counts; for SUM, BIGINT (or INTEGER, failing
 *     when the sum does not fit) over integers and DOUBLE over DOUBLE; for AVG, DOUBLE, or INTEGER/BIGINT
 *     over integers (truncated toward zero, as Calcite types {@code AVG(int)}); the argument type for
 *     MIN/MAX
 */
public record AggregateCall(AggregateFunction function, int argument, ColumnType argumentType, String name,
                            ColumnType resultType) {
    private static final Set<ColumnType> NUMERIC = Set.of(INTEGER, BIGINT, DOUBLE);
    private static final Set<ColumnType> ORDERED = Set.of(INTEGER, BIGINT, DOUBLE, VARCHAR, TIMESTAMP);

    /** @throws IllegalArgumentException naming the aggregate if the argument or result type is not supported */
    public AggregateCall {
        requireNonNull(function, "function is null");
        requireNonNull(name, "name is null");
        requireNonNull(resultType, "resultType is null");
        if (function == AggregateFunction.COUNT_STAR) {
            if (argument != -1 || argumentType != null) {
                throw new IllegalArgumentException("COUNT(*) '" + name + "' takes no argument");
            }
        } else {
            requireNonNull(argumentType, "argumentType is null");
            if (argument < 0) {
                throw new IllegalArgumentException(function.sqlName() + " '" + name + "' needs an argument column");
            }
        }
        if (!supportsArgument(function, argumentType)) {
            throw new IllegalArgumentException(describe(function, argumentType, name) + " is not supported: "
                    + function.sqlName() + " takes " + (function == AggregateFunction.MIN || function == AggregateFunction.MAX
                    ? "INTEGER, BIGINT, DOUBLE, VARCHAR or TIMESTAMP" : "INTEGER, BIGINT or DOUBLE"));
        }
        if (!allowedResult(function, argumentType, resultType)) {
            throw new IllegalArgumentException(describe(function, argumentType, name) + " can't return " + resultType);
        }
    }

    /** The call with its default result type (Spark's: counts and integer sums BIGINT, AVG DOUBLE). */
    public static AggregateCall of(AggregateFunction function, int argument, ColumnType argumentType, String name) {
        return new AggregateCall(function, argument, argumentType, name, defaultResultType(function, argumentType, name));
    }

    /** {@code COUNT(*)} named {@code name}. */
    public static AggregateCall countStar(String name) {
        return new AggregateCall(AggregateFunction.COUNT_STAR, -1, null, name, BIGINT);
    }

    public Column outputColumn() {
        return Column.of(name, resultType);
    }

    private static boolean supportsArgument(AggregateFunction function, ColumnType argumentType) {
        return switch (function) {
            case COUNT_STAR, COUNT, COUNT_DISTINCT -> true;
            case SUM, AVG -> NUMERIC.contains(argumentType);
            case MIN, MAX -> ORDERED.contains(argumentType);
        };
    }

    private static ColumnType defaultResultType(AggregateFunction function, ColumnType argumentType, String name) {
        return switch (function) {
            case COUNT_STAR, COUNT, COUNT_DISTINCT -> BIGINT;
            case SUM -> argumentType == DOUBLE ? DOUBLE : BIGINT;
            case AVG -> DOUBLE;
            case MIN, MAX -> argumentType;
        };
    }

    private static boolean allowedResult(AggregateFunction function, ColumnType argumentType, ColumnType result) {
        return switch (function) {
            case COUNT_STAR, COUNT, COUNT_DISTINCT -> result == BIGINT;
            case SUM -> NUMERIC.contains(argumentType)
                    && (argumentType == DOUBLE ? result == DOUBLE : result == BIGINT || result == INTEGER);
            case AVG -> NUMERIC.contains(argumentType)
                    && (result == DOUBLE || (argumentType != DOUBLE && (result == BIGINT || result == INTEGER)));
            case MIN, MAX -> ORDERED.contains(argumentType) && result == argumentType;
        };
    }

    private static String describe(AggregateFunction function, ColumnType argumentType, String name) {
        return function == AggregateFunction.COUNT_STAR ? "COUNT(*) '" + name + "'"
                : function.sqlName() + "(" + argumentType + ") '" + name + "'";
    }

    @Override
    public String toString() {
        String arg = function == AggregateFunction.COUNT_STAR ? "*" : "$" + argument;
        String f = switch (function) {
            case COUNT_STAR -> "COUNT";
            case COUNT_DISTINCT -> "COUNT(DISTINCT ";
            default -> function.sqlName();
        };
        return function == AggregateFunction.COUNT_DISTINCT ? f + arg + ") AS " + name
                : f + "(" + arg + ") AS " + name;
    }
}
