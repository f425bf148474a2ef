package dev.sluice.api;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.planner.sql.PlannedQuery;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.tools.RelBuilder;

/**
 * A query built in Java, as Spark's Dataset API builds one: a table or SQL query, then {@link #select},
 * {@link #where}, {@link #withColumn}, {@link #groupBy}, {@link #join}, {@link #union}... Immutable: each
 * method returns a new DataFrame. It is planned through Calcite's {@code RelBuilder} into the same plan the
 * equivalent SQL gets, so both share one optimiser and one engine.
 *
 * <p>A DataFrame read with {@link Sluice#readStream()} (or from a {@code SELECT STREAM}) is <em>streaming</em>:
 * it runs continuously with {@link #writeStream()}. Others are bounded: {@link #collect()} runs them to a
 * result.
 *
 * <pre>{@code
 * import static dev.sluice.api.Functions.*;
 *
 * StreamingQuery q = sluice.readStream().table("clicks")
 *         .where(col("page").like("/p/%"))
 *         .groupBy(window(col("ts"), "10 seconds"), col("page"))
 *         .agg(count("*").as("n"))
 *         .writeStream().outputMode("update").trigger("5 seconds").toTable("page_counts");
 * }</pre>
 *
 * <p>Columns are checked when a method is called: an unknown column fails at once with a
 * {@link SluiceException} listing the columns there are.
 */
public final class DataFrame {
    /** Pushes this DataFrame's relational expression onto a builder's stack. */
    @FunctionalInterface
    interface PlanStep {
        void push(RelBuilder builder);
    }

    private final StatementExecutor executor;
    private final PlanStep plan;
    private final List<TableDescriptor> temporaryTables;
    private final boolean streaming;
    private final Optional<String> alias;
    private final List<String> columns;

    DataFrame(StatementExecutor executor, PlanStep plan, Collection<TableDescriptor> temporaryTables,
              boolean streaming, Optional<String> alias) {
        this.executor = requireNonNull(executor, "executor is null");
        this.plan = requireNonNull(plan, "plan is null");
        this.temporaryTables = List.copyOf(temporaryTables);
        this.streaming = streaming;
        this.alias = requireNonNull(alias, "alias is null");
        // Analysed eagerly, as Spark does: a wrong column or type fails here, at the method that caused it.
        this.columns = toRel().getRowType().getFieldNames();
    }

    /** The column names of this DataFrame's rows. */
    public List<String> columns() {
        return columns;
    }

    /** Whether this DataFrame is continuous (run with {@link #writeStream()}) rather than bounded. */
    public boolean isStreaming() {
        return streaming;
    }

    /** The columns (or expressions) given, in order. */
    public DataFrame select(Column... selected) {
        List<Column> list = List.of(selected);
        if (list.isEmpty()) {
            throw new SluiceException("select needs at least one column");
        }
        if (list.stream().anyMatch(Column::isAggregate)) {
            // select(sum("x"), count("*")): an aggregate over all rows, as in Spark and SQL.
            return new GroupedDataFrame(this, List.of()).agg(selected);
        }
        return derive(b -> {
            ColumnScope scope = scope(b);
            List<RexNode> exprs = new ArrayList<>();
            for (Column c : list) {
                exprs.add(c.toRex(scope));
            }
            b.project(exprs, list.stream().map(Column::name).toList());
        });
    }

    /** The columns named, in order. */
    public DataFrame select(String... names) {
        return select(Arrays.stream(names).map(Functions::col).toArray(Column[]::new));
    }

    /** The rows for which {@code condition} is true (SQL {@code WHERE}). */
    public DataFrame where(Column condition) {
        requireNonNull(condition, "condition is null");
        return derive(b -> b.filter(condition.toRex(scope(b))));
    }

    /** Same as {@link #where}. */
    public DataFrame filter(Column condition) {
        return where(condition);
    }

    /** All columns, plus {@code name} computed by {@code value} (replacing a column of that name). */
    public DataFrame withColumn(String name, Column value) {
        requireNonNull(name, "name is null");
        requireNonNull(value, "value is null");
        return derive(b -> {
            RexNode computed = value.toRex(scope(b));
            List<RexNode> exprs = new ArrayList<>();
            List<String> names = new ArrayList<>();
            boolean replaced = false;
            for (RelDataTypeField f : b.peek().getRowType().getFieldList()) {
                boolean same = f.getName().equalsIgnoreCase(name);
                exprs.add(same ? computed : b.field(f.getIndex()));
                names.add(same ? name : f.getName());
                replaced |= same;
            }
            if (!replaced) {
                exprs.add(computed);
                names.add(name);
            }
            b.project(exprs, names);
        });
    }

    /** All columns, {@code existing} renamed to {@code newName}. */
    public DataFrame withColumnRenamed(String existing, String newName) {
        requireNonNull(newName, "newName is null");
        return derive(b -> {
            scope(b).field(existing);  // fails naming the column if there is none
            projectRenamed(b, f -> Optional.of(f.equalsIgnoreCase(existing) ? newName : f));
        });
    }

    /** All columns but those named (names that are not columns are ignored, as in Spark). */
    public DataFrame drop(String... names) {
        List<String> dropped = Arrays.stream(names).map(n -> n.toLowerCase(Locale.ROOT)).toList();
        return derive(b -> projectRenamed(b, f -> dropped.contains(f.toLowerCase(Locale.ROOT)) ? Optional.empty()
                : Optional.of(f)));
    }

    /** Groups the rows by {@code keys} (columns, expressions, or a {@link Functions#window}) for aggregation. */
    public GroupedDataFrame groupBy(Column... keys) {
        return new GroupedDataFrame(this, List.of(keys));
    }

    public GroupedDataFrame groupBy(String... keys) {
        return groupBy(Arrays.stream(keys).map(Functions::col).toArray(Column[]::new));
    }

    /** An inner join with {@code right} on {@code condition}, which may name columns of both sides. */
    public DataFrame join(DataFrame right, Column condition) {
        return join(right, condition, "inner");
    }

    /**
     * A join with {@code right} on {@code condition}; {@code joinType} is {@code inner}, {@code left},
     * {@code right} or {@code full} ({@code _outer} suffixes allowed), or, as in Spark, {@code left_semi} (the
     * rows of this DataFrame with a match, once: SQL's {@code EXISTS}) or {@code left_anti} (those without:
     * {@code NOT EXISTS}), whose result has this DataFrame's columns only.
     */
    public DataFrame join(DataFrame right, Column condition, String joinType) {
        requireNonNull(right, "right is null");
        requireNonNull(condition, "condition is null");
        checkSameSession(right);
        JoinRelType type = joinType(joinType);
        return combine(right, b -> {
            plan.push(b);
            right.plan.push(b);
            b.join(type, condition.toRex(ColumnScope.ofJoin(b, alias, right.alias)));
        });
    }

    /** The rows of this DataFrame and of {@code other} (SQL {@code UNION ALL}); columns are matched by position. */
    public DataFrame union(DataFrame other) {
        requireNonNull(other, "other is null");
        checkSameSession(other);
        return combine(other, b -> {
            plan.push(b);
            other.plan.push(b);
            b.union(true);
        });
    }

    /** At most {@code n} rows. */
    public DataFrame limit(int n) {
        return derive(b -> b.limit(0, n));
    }

    /** This DataFrame under an alias, to qualify its columns in a join: {@code col("a.id")}. */
    public DataFrame alias(String name) {
        requireNonNull(name, "name is null");
        return new DataFrame(executor, plan, temporaryTables, streaming, Optional.of(name));
    }

    /**
     * The plan this DataFrame runs with, as SQL's EXPLAIN shows it: logical and physical plans, and for a
     * streaming DataFrame how it runs incrementally with the session's options.
     */
    public String explain() {
        PlannedQuery planned = plan(Optional.empty());
        return executor.explain(planned, planned.logicalPlan(), executor.sessionOptions());
    }

    /**
     * Runs a bounded DataFrame to its result.
     *
     * @throws SluiceException if this DataFrame is streaming (use {@link #writeStream()}) or the query fails
     */
    public StatementResult.Rows collect() {
        if (streaming) {
            throw new SluiceException("A streaming DataFrame has no end to collect: start it with writeStream()");
        }
        try {
            return executor.runBounded(plan(Optional.empty()));
        } catch (RuntimeException e) {
            throw Errors.toSluiceException(e);
        }
    }

    /**
     * Starts describing where a streaming DataFrame writes its results.
     *
     * @throws SluiceException if this DataFrame is bounded
     */
    public DataStreamWriter writeStream() {
        if (!streaming) {
            throw new SluiceException("writeStream() needs a streaming DataFrame (from sluice.readStream()); this "
                    + "one is bounded: use collect()");
        }
        return new DataStreamWriter(this);
    }

    @Override
    public String toString() {
        return "DataFrame" + columns + (streaming ? " (streaming)" : "");
    }

    // ---- For the other classes of the DataFrame API

    StatementExecutor executor() {
        return executor;
    }

    /** This DataFrame's relational plan, built in a new builder. */
    RelNode toRel() {
        try {
            RelBuilder b = executor.relBuilder(temporaryTables);
            plan.push(b);
            return b.build();
        } catch (RuntimeException e) {
            throw Errors.toSluiceException(e);
        }
    }

    PlannedQuery plan(Optional<TableDescriptor> target) {
        try {
            return executor.plan(toRel(), streaming, target);
        } catch (RuntimeException e) {
            throw Errors.toSluiceException(e);
        }
    }

    Optional<String> alias() {
        return alias;
    }

    ColumnScope scope(RelBuilder b) {
        return ColumnScope.of(b, alias);
    }

    /** A DataFrame of {@code step} applied on top of this one. */
    DataFrame derive(PlanStep step) {
        return new DataFrame(executor, b -> {
            plan.push(b);
            step.push(b);
        }, temporaryTables, streaming, Optional.empty());
    }

    private DataFrame combine(DataFrame other, PlanStep both) {
        Map<String, TableDescriptor> tables = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        temporaryTables.forEach(t -> tables.put(t.name(), t));
        other.temporaryTables.forEach(t -> tables.put(t.name(), t));
        return new DataFrame(executor, both, tables.values(), streaming || other.streaming, Optional.empty());
    }

    /** Projects every field under the name {@code rename} gives it, leaving out those it gives none. */
    private static void projectRenamed(RelBuilder b, java.util.function.Function<String, Optional<String>> rename) {
        List<RexNode> exprs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (RelDataTypeField f : b.peek().getRowType().getFieldList()) {
            rename.apply(f.getName()).ifPresent(n -> {
                exprs.add(b.field(f.getIndex()));
                names.add(n);
            });
        }
        b.project(exprs, names);
    }

    private void checkSameSession(DataFrame other) {
        if (other.executor != executor) {
            throw new SluiceException("Can't combine DataFrames of two different Sluice sessions");
        }
    }

    private static JoinRelType joinType(String joinType) {
        String t = joinType.trim().toLowerCase(Locale.ROOT).replace("_outer", "").replace("outer", "full")
                .replace("_", "");
        return switch (t) {
            case "inner" -> JoinRelType.INNER;
            case "left" -> JoinRelType.LEFT;
            case "right" -> JoinRelType.RIGHT;
            case "full" -> JoinRelType.FULL;
            case "leftsemi", "semi" -> JoinRelType.SEMI;
            case "leftanti", "anti" -> JoinRelType.ANTI;
            default -> throw new SluiceException("Unknown join type '" + joinType
                    + "' (inner, left, right, full, left_semi, left_anti)");
        };
    }
}
