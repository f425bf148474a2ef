package dev.sluice.execution.aggregate;

import static dev.sluice.execution.type.ColumnType.BIGINT;
import static dev.sluice.execution.type.ColumnType.DOUBLE;
import static dev.sluice.execution.type.ColumnType.INTEGER;

import dev.sluice.execution.type.ColumnType;

/**
 * {@code AVG(x)} over INTEGER, BIGINT or DOUBLE: DOUBLE, or INTEGER/BIGINT over integers (truncated toward
 * zero, as Calcite types {@code AVG(int)}); NULL for no values. State: the sum and the count of values.
 */
final class AvgAggregate extends NumericAggregate {
    @Override
    public String sqlName() {
        return "AVG";
    }

    @Override
    public ColumnType defaultResultType(ColumnType argumentType) {
        return DOUBLE;
    }

    @Override
    public boolean allowsResult(ColumnType argumentType, ColumnType result) {
        return result == DOUBLE || (argumentType != DOUBLE && (result == BIGINT || result == INTEGER));
    }

    @Override
    public Accumulator accumulator(AggregateCall call, boolean retracting) {
        return call.argumentType() == DOUBLE ? new DoubleSumAccumulator(call, true) : new LongSumAccumulator(call, true);
    }
}
