package dev.sluice.execution.aggregate;

import static dev.sluice.execution.type.ColumnType.BIGINT;
import static dev.sluice.execution.type.ColumnType.DOUBLE;
import static dev.sluice.execution.type.ColumnType.INTEGER;
import static dev.sluice.execution.type.ColumnType.TIMESTAMP;
import static dev.sluice.execution.type.ColumnType.VARCHAR;

import dev.sluice.execution.type.ColumnType;
import java.util.Set;

/**
 * {@code MAX(x)} over INTEGER, BIGINT, DOUBLE (as {@link Double#compare} orders), VARCHAR (by UTF-8 bytes) or
 * TIMESTAMP, of the argument's type; NULL for no values. State: the maximum over append-only input; over
 * updating input, every value with its count, so that deleting the maximum brings back the next one.
 */
final class MaxAggregate implements AggregateFunction {
    private static final Set<ColumnType> ORDERED = Set.of(INTEGER, BIGINT, DOUBLE, VARCHAR, TIMESTAMP);

    @Override
    public String sqlName() {
        return "MAX";
    }

    @Override
    public boolean ignoresDuplicates() {
        return true;
    }

    @Override
    public boolean acceptsArgument(ColumnType type) {
        return ORDERED.contains(type);
    }

    @Override
    public String argumentTypes() {
        return "INTEGER, BIGINT, DOUBLE, VARCHAR or TIMESTAMP";
    }

    @Override
    public ColumnType defaultResultType(ColumnType argumentType) {
        return argumentType;
    }

    @Override
    public boolean allowsResult(ColumnType argumentType, ColumnType result) {
        return result == argumentType;
    }

    @Override
    public Accumulator accumulator(AggregateCall call, boolean retracting) {
        if (retracting) {
            return new ValueCountsAccumulator(call, ValueCountsAccumulator.Result.MAX);
        }
        return switch (call.argumentType()) {
            case DOUBLE -> new DoubleMinMaxAccumulator(call, true);
            case VARCHAR -> new VarCharMinMaxAccumulator(call, true);
            default -> new LongMinMaxAccumulator(call, true);
        };
    }
}
