package dev.sluice.execution.aggregate;

import dev.sluice.execution.type.ColumnType;

/** What the counts share: an argument of any type (or none, for COUNT(*)) and a BIGINT result, 0 for none. */
abstract class CountingAggregate implements AggregateFunction {
    @Override
    public final String sqlName() {
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
    public final ColumnType defaultResultType(ColumnType argumentType) {
        return ColumnType.BIGINT;
    }

    @Override
    public final boolean allowsResult(ColumnType argumentType, ColumnType result) {
        return result == ColumnType.BIGINT;
    }
}
