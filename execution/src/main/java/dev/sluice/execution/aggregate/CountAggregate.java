package dev.sluice.execution.aggregate;

import dev.sluice.execution.type.ColumnType;

/** {@code COUNT(x)}: the non-NULL values of the group; 0 for none. State: the count. */
final class CountAggregate implements AggregateFunction {
    @Override
    public String sqlName() {
        return "COUNT";
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
        return new CountAccumulator(call.name() + "$count");
    }
}
