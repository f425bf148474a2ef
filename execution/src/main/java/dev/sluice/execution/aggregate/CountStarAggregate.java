package dev.sluice.execution.aggregate;

import dev.sluice.execution.type.ColumnType;

/** {@code COUNT(*)}: the rows of the group, NULLs included; 0 for none. State: the count. */
final class CountStarAggregate extends CountingAggregate {
    @Override
    public String displayName() {
        return "COUNT(*)";
    }

    @Override
    public boolean takesArgument() {
        return false;
    }

    @Override
    public boolean acceptsArgument(ColumnType type) {
        return type == null;
    }

    @Override
    public String argumentTypes() {
        return "no argument";
    }

    @Override
    public Accumulator accumulator(AggregateCall call, boolean retracting) {
        return new CountAccumulator(call.name() + "$count");
    }

    @Override
    public String describe(String argument) {
        return "COUNT(*)";
    }
}
