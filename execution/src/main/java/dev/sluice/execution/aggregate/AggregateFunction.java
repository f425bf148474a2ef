package dev.sluice.execution.aggregate;

import dev.sluice.execution.type.ColumnType;
import java.util.List;

/**
 * A SQL aggregate function: its name, the argument and result types it takes, and the {@link Accumulator}
 * that computes it (as DataFusion's {@code AggregateUDFImpl} with its {@code GroupsAccumulator}). One
 * implementation per function, each in its own file, registered in {@link AggregateFunctions}: that is the
 * only place the planner, the aggregation operators and EXPLAIN learn which functions exist, so adding one
 * touches its file and one line of the registry.
 *
 * <p>Every function follows SQL's NULL semantics (NULL arguments are skipped; no values give NULL, or 0 for
 * the counts) and can be computed over rows that are later deleted (a negative weight retracts a row), with
 * cheaper state when the plan knows its input is append-only ({@code retracting} false).
 */
public interface AggregateFunction {
    /** The name in SQL, as the planner finds it ({@code COUNT}, {@code SUM}...), shared by variants. */
    String sqlName();

    /** How it prints in messages: {@code COUNT(*)}, {@code COUNT(DISTINCT)}, {@code SUM}... */
    default String displayName() {
        return sqlName();
    }

    /** Other names the planner may use for it ({@code $SUM0} for SUM); none by default. */
    default List<String> aliases() {
        return List.of();
    }

    /** Whether it takes one argument column; false only for {@code COUNT(*)}. */
    default boolean takesArgument() {
        return true;
    }

    /** Whether it is the DISTINCT variant of its {@link #sqlName()} ({@code COUNT(DISTINCT x)}). */
    default boolean distinct() {
        return false;
    }

    /** Whether DISTINCT changes nothing (MIN, MAX): {@code MIN(DISTINCT x)} is then this function. */
    default boolean ignoresDuplicates() {
        return false;
    }

    /** Whether it takes an argument of {@code type} (null for a function without argument). */
    boolean acceptsArgument(ColumnType type);

    /** The argument types it takes, for messages: "INTEGER, BIGINT or DOUBLE". */
    String argumentTypes();

    /** Its result type when the caller does not choose one (Spark's: BIGINT counts and integer sums, DOUBLE AVG). */
    ColumnType defaultResultType(ColumnType argumentType);

    /** Whether it can return {@code result} over an argument of {@code argumentType}. */
    boolean allowsResult(ColumnType argumentType, ColumnType result);

    /**
     * A new accumulator of {@code call} (this function) for the groups of one aggregation.
     *
     * @param retracting whether rows may come with negative weights (the input is updating): the state must
     *     then allow taking a row back, which for MIN, MAX and COUNT(DISTINCT) means a count per value
     */
    Accumulator accumulator(AggregateCall call, boolean retracting);

    /** How a call prints in plans (and so in the stateful fingerprint): {@code SUM($1)}. */
    default String describe(String argument) {
        return sqlName() + "(" + argument + ")";
    }
}
