package dev.sluice.execution.aggregate;

import static dev.sluice.execution.type.ColumnType.BIGINT;
import static dev.sluice.execution.type.ColumnType.DOUBLE;
import static dev.sluice.execution.type.ColumnType.INTEGER;
import static dev.sluice.execution.type.ColumnType.TIMESTAMP;
import static dev.sluice.execution.type.ColumnType.VARCHAR;

import dev.sluice.execution.type.ColumnType;
import java.util.Set;

/**
 * What {@link MinAggregate} and {@link MaxAggregate} share: over INTEGER, BIGINT, DOUBLE (as
 * {@link Double#compare} orders), VARCHAR (by UTF-8 bytes) or TIMESTAMP, of the argument's type; NULL for no
 * values. State: the extremum over append-only input; over updating input, every value with its count, so
 * that deleting the extremum brings back the next one.
 */
abstract class ExtremumAggregate implements AggregateFunction {
    private static final Set<ColumnType> ORDERED = Set.of(INTEGER, BIGINT, DOUBLE, VARCHAR, TIMESTAMP);

    private final boolean max;

    ExtremumAggregate(boolean max) {
        this.max = max;
    }

    @Override
    public final String sqlName() {
        return max ? "MAX" : "MIN";
    }

    @Override
    public final boolean ignoresDuplicates() {
        return true;
    }

    @Override
    public final boolean acceptsArgument(ColumnType type) {
        return ORDERED.contains(type);
    }

    @Override
    public final String argumentTypes() {
        return "INTEGER, BIGINT, DOUBLE, VARCHAR or TIMESTAMP";
    }

    @Override
    public final ColumnType defaultResultType(ColumnType argumentType) {
        return argumentType;
    }

    @Override
    public final boolean allowsResult(ColumnType argumentType, ColumnType result) {
        return result == argumentType;
    }

    @Override
    public final Accumulator accumulator(AggregateCall call, boolean retracting) {
        if (retracting) {
            return new ValueCountsAccumulator(call, max ? ValueCountsAccumulator.Result.MAX
                    : ValueCountsAccumulator.Result.MIN);
        }
        return switch (call.argumentType()) {
            case DOUBLE -> new DoubleMinMaxAccumulator(call, max);
            case VARCHAR -> new VarCharMinMaxAccumulator(call, max);
            default -> new LongMinMaxAccumulator(call, max);
        };
    }
}
