package dev.sluice.execution.aggregate;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;

/**
 * One aggregate of a GROUP BY: the function, the input column it reads (already computed by a projection
 * below the aggregation), and its output column. The function decides which argument and result types are
 * valid ({@link AggregateFunction}).
 *
 * @param function the aggregate function, from {@link AggregateFunctions}
 * @param argument index of the argument column in the input batch, -1 for {@code COUNT(*)}
 * @param argumentType type of the argument column, null for {@code COUNT(*)}
 * @param name the output column's name
 * @param resultType the output column's type (see each function for the types it can return)
 */
public record AggregateCall(AggregateFunction function, int argument, ColumnType argumentType, String name,
                            ColumnType resultType) {
    /** @throws IllegalArgumentException naming the aggregate if the argument or result type is not supported */
    public AggregateCall {
        requireNonNull(function, "function is null");
        requireNonNull(name, "name is null");
        requireNonNull(resultType, "resultType is null");
        if (!function.takesArgument()) {
            if (argument != -1 || argumentType != null) {
                throw new IllegalArgumentException(function.displayName() + " '" + name + "' takes no argument");
            }
        } else {
            requireNonNull(argumentType, "argumentType is null");
            if (argument < 0) {
                throw new IllegalArgumentException(function.displayName() + " '" + name + "' needs an argument column");
            }
        }
        if (!function.acceptsArgument(argumentType)) {
            throw new IllegalArgumentException(describe(function, argumentType, name) + " is not supported: "
                    + function.displayName() + " takes " + function.argumentTypes());
        }
        if (!function.allowsResult(argumentType, resultType)) {
            throw new IllegalArgumentException(describe(function, argumentType, name) + " can't return " + resultType);
        }
    }

    /** The call with its function's default result type. */
    public static AggregateCall of(AggregateFunction function, int argument, ColumnType argumentType, String name) {
        return new AggregateCall(function, argument, argumentType, name, function.defaultResultType(argumentType));
    }

    /** {@code COUNT(*)} named {@code name}. */
    public static AggregateCall countStar(String name) {
        return new AggregateCall(AggregateFunctions.COUNT_STAR, -1, null, name, ColumnType.BIGINT);
    }

    public Column outputColumn() {
        return Column.of(name, resultType);
    }

    /**
     * A new accumulator of this call for one aggregation's groups; {@code retracting} when its input rows can
     * be deleted (see {@link AggregateFunction#accumulator}).
     */
    public Accumulator accumulator(boolean retracting) {
        return function.accumulator(this, retracting);
    }

    private static String describe(AggregateFunction function, ColumnType argumentType, String name) {
        return !function.takesArgument() ? function.displayName() + " '" + name + "'"
                : function.displayName() + "(" + argumentType + ") '" + name + "'";
    }

    @Override
    public String toString() {
        return function.describe("$" + argument) + " AS " + name;
    }
}
