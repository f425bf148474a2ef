package dev.sluice.execution.aggregate;

import static dev.sluice.execution.type.ColumnType.BIGINT;
import static dev.sluice.execution.type.ColumnType.DOUBLE;
import static dev.sluice.execution.type.ColumnType.INTEGER;

import dev.sluice.execution.type.ColumnType;
import java.util.List;

/**
 * {@code SUM(x)} over INTEGER, BIGINT (an exact BIGINT sum, failing on overflow; an INTEGER result fails
 * when the sum does not fit) or DOUBLE; NULL for no values. State: the sum and the count of values (so
 * that it is NULL again once every value is retracted). Calcite's {@code $SUM0} is planned as SUM.
 */
final class SumAggregate extends NumericAggregate {
    @Override
    public String sqlName() {
        return "SUM";
    }

    @Override
    public List<String> aliases() {
        return List.of("$SUM0");
    }

    @Override
    public ColumnType defaultResultType(ColumnType argumentType) {
        return argumentType == DOUBLE ? DOUBLE : BIGINT;
    }

    @Override
    public boolean allowsResult(ColumnType argumentType, ColumnType result) {
        return argumentType == DOUBLE ? result == DOUBLE : result == BIGINT || result == INTEGER;
    }

    @Override
    public Accumulator accumulator(AggregateCall call, boolean retracting) {
        return call.argumentType() == DOUBLE ? new DoubleSumAccumulator(call, false) : new LongSumAccumulator(call, false);
    }
}
