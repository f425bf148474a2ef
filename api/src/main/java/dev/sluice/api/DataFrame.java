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
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexWindowBounds;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * A query built in Java, as Spark's Dataset API builds one: a table or SQL query, then {@link #select},
 * {@link #where}, {@link #withColumn}, {@link #groupBy}, {@link #join}, {@link #union}, {@link #orderBy},
 * {@link #dropDuplicates}... Immutable: each
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

    private final QueryLauncher launcher;
    private final PlanStep plan;
    private final List<TableDescriptor> temporaryTables;
    private final boolean streaming;
    private final Optional<String> alias;
    private final List<String> columns;

    DataFrame(QueryLauncher launcher, PlanStep plan, Collection<TableDescriptor> temporaryTables,
              boolean streaming, Optional<String> alias) {
        this.launcher = requireNonNull(launcher, "launcher is null");
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
     * A join with {@code right} on {@code condition}; {@code joinType} is one of Spark's: {@code inner},
     * {@code left}, {@code right}, {@code full} (also {@code outer}; {@code _outer} suffixes allowed),
     * {@code left_semi} (the rows of this DataFrame that have a match: SQL's {@code EXISTS}/{@code IN}) or
     * {@code left_anti} (those that have none: {@code NOT EXISTS}). The planner refuses a type it can't run as
     * it refuses the SQL twin.
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

    /**
     * The rows of this DataFrame and of {@code other} (SQL {@code UNION ALL}, as Spark's {@code union}: follow
     * it with {@link #distinct()} for SQL's {@code UNION}); columns are matched by position.
     */
    public DataFrame union(DataFrame other) {
        return setOperation(other, (b, n) -> b.union(true, n));
    }

    /** Same as {@link #union} (SQL {@code UNION ALL}). */
    public DataFrame unionAll(DataFrame other) {
        return union(other);
    }

    /** The distinct rows that are in both this DataFrame and {@code other} (SQL {@code INTERSECT}). */
    public DataFrame intersect(DataFrame other) {
        return setOperation(other, (b, n) -> b.intersect(false, n));
    }

    /** SQL {@code INTERSECT ALL} (each row as often as in both); not supported by the engine yet, as in SQL. */
    public DataFrame intersectAll(DataFrame other) {
        return setOperation(other, (b, n) -> b.intersect(true, n));
    }

    /** The distinct rows of this DataFrame that are not in {@code other} (SQL {@code EXCEPT}). */
    public DataFrame except(DataFrame other) {
        return setOperation(other, (b, n) -> b.minus(false, n));
    }

    /** SQL {@code EXCEPT ALL}; not supported by the engine yet, as in SQL. */
    public DataFrame exceptAll(DataFrame other) {
        return setOperation(other, (b, n) -> b.minus(true, n));
    }

    /** The distinct rows (SQL {@code SELECT DISTINCT}: a GROUP BY of all columns). */
    public DataFrame distinct() {
        return derive(RelBuilder::distinct);
    }

    /**
     * One row per distinct value of the columns named (of all columns if none), the first that came: as
     * Flink's deduplication, the SQL twin is a Top-1 per key whose order ties every row, so the earliest
     * stays, {@code SELECT <columns> FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY k) AS rn
     * FROM t) WHERE rn = 1}. On a stream its state keeps a row per key for as long as the query runs; a key's
     * first row never changes, so the result only inserts rows and any sink takes it.
     */
    public DataFrame dropDuplicates(String... names) {
        List<String> keys = names.length == 0 ? columns : List.of(names);
        return derive(b -> {
            ColumnScope scope = scope(b);
            List<RexNode> partition = new ArrayList<>();
            for (String key : keys) {
                partition.add(scope.field(key));
            }
            int width = b.peek().getRowType().getFieldCount();
            String rank = unusedName("rn");
            RexNode rowNumber = b.aggregateCall(SqlStdOperatorTable.ROW_NUMBER).over().partitionBy(partition)
                    .orderBy(partition).rowsBetween(RexWindowBounds.UNBOUNDED_PRECEDING, RexWindowBounds.CURRENT_ROW)
                    .toRex();
            List<RexNode> withRank = new ArrayList<>(b.fields());
            withRank.add(rowNumber);
            List<String> withRankNames = new ArrayList<>(columns);
            withRankNames.add(rank);
            b.project(withRank, withRankNames);
            b.filter(b.equals(b.field(rank), b.getRexBuilder().makeExactLiteral(java.math.BigDecimal.ONE,
                    rowNumber.getType())));
            b.project(b.fields(ImmutableBitSet.range(width)));
        });
    }

    /**
     * Spark 3.5's deduplication whose state for a key ends when the watermark passes the first row's event time
     * (plus the watermark's delay). On a bounded DataFrame it is {@link #dropDuplicates}, as in Spark.
     *
     * @throws SluiceException on a streaming DataFrame: Sluice's deduplication (a Top-1 per key) has no state
     *     that expires with the watermark yet
     */
    public DataFrame dropDuplicatesWithinWatermark(String... names) {
        if (streaming) {
            throw new SluiceException("dropDuplicatesWithinWatermark is not supported on a streaming DataFrame yet: it "
                    + "needs a deduplication whose state for each key expires with the watermark, and Sluice's (a Top-1 "
                    + "per key) keeps it for as long as the query runs. Use dropDuplicates(...) (keeps every key), or "
                    + "deduplicate within event-time windows: row_number().over(Window.partitionBy(\"window_start\", "
                    + "...).orderBy(...)) = 1 over a windowed aggregate");
        }
        return dropDuplicates(names);
    }

    /**
     * The rows sorted by {@code keys} ({@code col("x")} or {@code col("x").asc()} ascending,
     * {@code col("x").desc()}, {@code asc_nulls_first()}...): SQL's {@code ORDER BY}. Bounded DataFrames only: on a
     * streaming one it fails at once with the SQL twin's error.
     */
    public DataFrame orderBy(Column... keys) {
        List<Column> list = List.of(keys);
        if (list.isEmpty()) {
            throw new SluiceException("orderBy needs at least one column");
        }
        return boundedOnly(derive(b -> {
            ColumnScope scope = scope(b);
            List<RexNode> sortKeys = new ArrayList<>();
            for (Column c : list) {
                sortKeys.add(c.toSortKey(scope));
            }
            b.sort(sortKeys);
        }));
    }

    /** The rows sorted by the columns named, ascending. */
    public DataFrame orderBy(String... names) {
        return orderBy(Arrays.stream(names).map(Functions::col).toArray(Column[]::new));
    }

    /** Same as {@link #orderBy(Column...)}. */
    public DataFrame sort(Column... keys) {
        return orderBy(keys);
    }

    /** Same as {@link #orderBy(String...)}. */
    public DataFrame sort(String... names) {
        return orderBy(names);
    }

    /**
     * At most the first {@code n} rows (SQL {@code LIMIT n}; after {@link #orderBy}, a Top-K). Bounded DataFrames
     * only, as in SQL.
     */
    public DataFrame limit(int n) {
        if (n < 0) {
            throw new SluiceException("limit must be 0 or more, not " + n);
        }
        return boundedOnly(derive(b -> slice(b, 0, n)));
    }

    /**
     * All rows but the first {@code n} (SQL {@code OFFSET n}, Spark 3.4's {@code offset}). As in Spark,
     * {@code offset(3).limit(10)} is SQL's {@code LIMIT 10 OFFSET 3} and {@code limit(10).offset(3)} its first 10
     * rows but 3. Bounded DataFrames only, as in SQL.
     */
    public DataFrame offset(int n) {
        if (n < 0) {
            throw new SluiceException("offset must be 0 or more, not " + n);
        }
        return boundedOnly(derive(b -> slice(b, n, -1)));
    }

    /** This DataFrame under an alias, to qualify its columns in a join: {@code col("a.id")}. */
    public DataFrame alias(String name) {
        requireNonNull(name, "name is null");
        return new DataFrame(launcher, plan, temporaryTables, streaming, Optional.of(name));
    }

    /**
     * The plan this DataFrame runs with, as SQL's EXPLAIN shows it: logical and physical plans, and for a
     * streaming DataFrame how it runs incrementally with the session's options.
     */
    public String explain() {
        PlannedQuery planned = plan(Optional.empty());
        return launcher.explain(planned, planned.logicalPlan(), launcher.sessionOptions());
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
            return launcher.runBounded(plan(Optional.empty()));
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

    QueryLauncher launcher() {
        return launcher;
    }

    /** This DataFrame's relational plan, built in a new builder. */
    RelNode toRel() {
        try {
            RelBuilder b = launcher.relBuilder(temporaryTables);
            plan.push(b);
            return b.build();
        } catch (RuntimeException e) {
            throw Errors.toSluiceException(e);
        }
    }

    PlannedQuery plan(Optional<TableDescriptor> target) {
        try {
            return launcher.plan(toRel(), streaming, target);
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
        return new DataFrame(launcher, b -> {
            plan.push(b);
            step.push(b);
        }, temporaryTables, streaming, Optional.empty());
    }

    /** {@code operation} (given the builder and the number of inputs) over this DataFrame and {@code other}. */
    private DataFrame setOperation(DataFrame other, java.util.function.ObjIntConsumer<RelBuilder> operation) {
        requireNonNull(other, "other is null");
        checkSameSession(other);
        if (other.columns.size() != columns.size()) {
            throw new SluiceException("A set operation needs the same number of columns on both sides: " + columns
                    + " and " + other.columns);
        }
        return combine(other, b -> {
            plan.push(b);
            other.plan.push(b);
            operation.accept(b, 2);
        });
    }

    /**
     * Applies an offset and a limit ({@code fetch}, -1 for none) in Spark's order, folding them into the sort or
     * slice just below if there is one: SQL has one {@code ORDER BY ... LIMIT ... OFFSET} per query level, and
     * the twin gets the same plan.
     */
    private static void slice(RelBuilder b, long offset, long fetch) {
        if (!(b.peek() instanceof Sort sort)) {
            b.limit((int) offset, (int) fetch);
            return;
        }
        long before = sort.offset == null ? 0 : RexLiteral.intValue(sort.offset);
        long limit = sort.fetch == null ? -1 : RexLiteral.intValue(sort.fetch);
        if (offset > 0) {
            limit = limit < 0 ? -1 : Math.max(0, limit - offset);
        }
        if (fetch >= 0) {
            limit = limit < 0 ? fetch : Math.min(limit, fetch);
        }
        b.build();
        b.push(sort.copy(sort.getTraitSet(), sort.getInput(), sort.getCollation(),
                before + offset == 0 ? null : b.literal((int) (before + offset)),
                limit < 0 ? null : b.literal((int) limit)));
    }

    /** {@code df}, planned now if it is streaming, so that what SQL refuses on a stream fails at the call. */
    private static DataFrame boundedOnly(DataFrame df) {
        if (df.streaming) {
            df.plan(Optional.empty());
        }
        return df;
    }

    /** {@code base}, or {@code base_1}, {@code base_2}... whichever is not a column. */
    private String unusedName(String base) {
        String name = base;
        for (int i = 1; columns.stream().anyMatch(name::equalsIgnoreCase); i++) {
            name = base + "_" + i;
        }
        return name;
    }

    private DataFrame combine(DataFrame other, PlanStep both) {
        Map<String, TableDescriptor> tables = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        temporaryTables.forEach(t -> tables.put(t.name(), t));
        other.temporaryTables.forEach(t -> tables.put(t.name(), t));
        return new DataFrame(launcher, both, tables.values(), streaming || other.streaming, Optional.empty());
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
        if (other.launcher != launcher) {
            throw new SluiceException("Can't combine DataFrames of two different Sluice sessions");
        }
    }

    /** A join type as Spark names it: case, underscores and an {@code outer} suffix don't matter. */
    private static JoinRelType joinType(String joinType) {
        String t = joinType.trim().toLowerCase(Locale.ROOT).replace("_", "");
        return switch (t) {
            case "inner" -> JoinRelType.INNER;
            case "left", "leftouter" -> JoinRelType.LEFT;
            case "right", "rightouter" -> JoinRelType.RIGHT;
            case "full", "fullouter", "outer" -> JoinRelType.FULL;
            case "semi", "leftsemi" -> JoinRelType.SEMI;
            case "anti", "leftanti" -> JoinRelType.ANTI;
            default -> throw new SluiceException("Unknown join type '" + joinType
                    + "' (inner, left, right, full, left_semi, left_anti)");
        };
    }
}
