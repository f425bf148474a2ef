package dev.sluice.execution.aggregate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The registry of aggregate functions: the one place that lists them, for the planner (which looks SQL
 * calls up here), the aggregation operators and messages. To add an aggregate, write its
 * {@link AggregateFunction} (and its {@link Accumulator}) in one file and register it below.
 */
public final class AggregateFunctions {
    private static final List<AggregateFunction> ALL = new ArrayList<>();

    public static final AggregateFunction COUNT_STAR = register(new CountStarAggregate());
    public static final AggregateFunction COUNT = register(new CountAggregate());
    public static final AggregateFunction COUNT_DISTINCT = register(new CountDistinctAggregate());
    public static final AggregateFunction SUM = register(new SumAggregate());
    public static final AggregateFunction AVG = register(new AvgAggregate());
    public static final AggregateFunction MIN = register(new MinAggregate());
    public static final AggregateFunction MAX = register(new MaxAggregate());

    private AggregateFunctions() {
    }

    private static AggregateFunction register(AggregateFunction function) {
        ALL.add(function);
        return function;
    }

    /** Every registered function, in registration order. */
    public static List<AggregateFunction> all() {
        return List.copyOf(ALL);
    }

    /**
     * The function a SQL call names: {@code name} (case-insensitive, or an alias), with or without an
     * argument, DISTINCT or not. DISTINCT picks the function's DISTINCT variant, or the function itself when
     * duplicates change nothing (MIN, MAX).
     *
     * @throws IllegalArgumentException naming the call when no registered function computes it
     */
    public static AggregateFunction lookup(String name, boolean hasArgument, boolean distinct) {
        String upper = name.toUpperCase(Locale.ROOT);
        List<AggregateFunction> named = ALL.stream()
                .filter(f -> f.sqlName().equals(upper) || f.aliases().contains(upper))
                .filter(f -> f.takesArgument() == hasArgument)
                .toList();
        if (named.isEmpty()) {
            throw new IllegalArgumentException("Aggregate function " + name + (hasArgument ? "" : "()")
                    + " is not supported yet (" + supported() + " are)");
        }
        Optional<AggregateFunction> exact = named.stream().filter(f -> f.distinct() == distinct).findFirst();
        if (distinct) {
            return exact.or(() -> named.stream().filter(AggregateFunction::ignoresDuplicates).findFirst())
                    .orElseThrow(() -> new IllegalArgumentException("DISTINCT is not supported in " + name
                            + " yet (it is in " + String.join(", ", ALL.stream().filter(AggregateFunction::distinct)
                            .map(AggregateFunction::displayName).toList()) + ", and changes nothing in MIN and MAX)"));
        }
        return exact.orElseThrow(() -> new IllegalArgumentException("Aggregate function " + name
                + " is only supported with DISTINCT"));
    }

    private static String supported() {
        return String.join(", ", ALL.stream().map(AggregateFunction::displayName).toList());
    }
}
