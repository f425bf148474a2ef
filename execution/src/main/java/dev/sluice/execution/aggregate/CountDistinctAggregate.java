package dev.sluice.execution.aggregate;

/**
 * {@code COUNT(DISTINCT x)}: the distinct non-NULL values of the group; 0 for none. State: every distinct
 * value (the set, over append-only input; each value with its count, over updating input).
 */
final class CountDistinctAggregate extends CountingAggregate {
    @Override
    public String displayName() {
        return "COUNT(DISTINCT)";
    }

    @Override
    public boolean distinct() {
        return true;
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
