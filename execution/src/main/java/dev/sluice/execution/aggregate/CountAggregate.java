package dev.sluice.execution.aggregate;

/** {@code COUNT(x)}: the non-NULL values of the group; 0 for none. State: the count. */
final class CountAggregate extends CountingAggregate {
    @Override
    public Accumulator accumulator(AggregateCall call, boolean retracting) {
        return new CountAccumulator(call.name() + "$count");
    }
}
