package dev.sluice.execution.aggregate;

import dev.sluice.execution.type.ColumnType;

/**
 * {@code COUNT(DISTINCT x)}: the distinct non-NULL values of the group; 0 for none. State: every distinct
 * value (the set, over append-only input; each value with its count, over updating input).
 */
final class CountDistinctAggregate implements AggregateFunction {
    @Override
    public String sqlName() {
        return "COUNT";
    }

    @Override
    public String displayName() {
        return "COUNT(DISTINCT)";
    }

    @Override
    public boolean distinct() {
        return true;
    }

    @Override
    public boolean acceptsArgument(ColumnType type) {
        return type != null;
    }

    @Override
    public String argumentTypes() {
        return "any type";
    }

    @Override
    public ColumnType defaultResultType(ColumnType argumentType) {
        return ColumnType.BIGINT;
    }

    @Override
    public boolean allowsResult(ColumnType argumentType, ColumnType result) {
        return result == ColumnType.BIGINT;
    }

    @Override
    public Accumulator accumulator(AggregateCall call, boolean retracting) {
        return retracting ? new ValueCountsAccumulator(call, ValueCountsAccumulator.Result.DISTINCT_COUNT)
                : new CountDistinctAccumulator(call);
    }

    @Override
    public String describe(String argument) {
        return "COUNT(DISTINCT " + argument + ")";
    }
}
