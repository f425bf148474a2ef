package dev.sluice.api;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.ColumnType;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlAggFunction;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.tools.RelBuilder;

/**
 * A column expression of the DataFrame API: a column by name ({@link Functions#col}), a literal
 * ({@link Functions#lit}), an expression over them ({@code col("amount").multiply(2)}), an aggregate
 * ({@link Functions#sum}) or a time window ({@link Functions#window}). Immutable; resolved against a
 * DataFrame's columns only where it is used, so one Column can be used with several DataFrames.
 *
 * <pre>{@code
 * events.where(col("amount").gt(100).and(col("page").like("/p/%")))
 *       .select(col("page"), col("amount").multiply(2).as("double_amount"));
 * }</pre>
 */
public final class Column {
    private final String name;
    private final Function<ColumnScope, RexNode> scalar;
    private final Function<ColumnScope, RelBuilder.AggCall> aggregate;
    private final Duration window;
    /** For a sort order ({@link #desc()}...): the key as {@code RelBuilder.sort} takes it (DESC / NULLS FIRST calls). */
    private final Function<ColumnScope, RexNode> sortKey;
    /** For a ranking function ({@link Functions#row_number()}...) waiting for its {@link #over} window. */
    private final SqlAggFunction ranking;

    private Column(String name, Function<ColumnScope, RexNode> scalar,
                   Function<ColumnScope, RelBuilder.AggCall> aggregate, Duration window,
                   Function<ColumnScope, RexNode> sortKey, SqlAggFunction ranking) {
        this.name = requireNonNull(name, "name is null");
        this.scalar = scalar;
        this.aggregate = aggregate;
        this.window = window;
        this.sortKey = sortKey;
        this.ranking = ranking;
    }

    static Column scalar(String name, Function<ColumnScope, RexNode> rex) {
        return new Column(name, requireNonNull(rex, "rex is null"), null, null, null, null);
    }

    /** An aggregate: {@code call} gets the output name and the scope of the aggregated rows. */
    static Column aggregate(String name, java.util.function.BiFunction<ColumnScope, String, RelBuilder.AggCall> call) {
        return new Column(name, null, scope -> call.apply(scope, name), null, null, null);
    }

    static Column window(String name, Function<ColumnScope, RexNode> start, Duration size) {
        return new Column(name, start, null, requireNonNull(size, "size is null"), null, null);
    }

    /** A ranking function ({@code ROW_NUMBER}, {@code RANK}, {@code DENSE_RANK}), usable only with {@link #over}. */
    static Column ranking(String name, SqlAggFunction function) {
        return new Column(name, null, null, null, null, requireNonNull(function, "function is null"));
    }

    /** The name this column gets in a result unless renamed with {@link #as}. */
    public String name() {
        return name;
    }

    /** This column under another name (SQL's {@code AS}). */
    public Column as(String alias) {
        requireNonNull(alias, "alias is null");
        if (aggregate != null) {
            return new Column(alias, null, scope -> aggregate.apply(scope).as(alias), null, null, null);
        }
        return new Column(alias, scalar, null, window, sortKey, ranking);
    }

    /** Ascending, for {@link DataFrame#orderBy} (SQL {@code ASC}: NULLs last, as Sluice's SQL sorts them). */
    public Column asc() {
        return sortOrder("ASC", false, null);
    }

    /** Descending, for {@link DataFrame#orderBy} (SQL {@code DESC}: NULLs first, as Sluice's SQL sorts them). */
    public Column desc() {
        return sortOrder("DESC", true, null);
    }

    /** SQL {@code ASC NULLS FIRST} (Spark's {@code asc()}). */
    public Column asc_nulls_first() {
        return sortOrder("ASC NULLS FIRST", false, true);
    }

    /** SQL {@code ASC NULLS LAST}. */
    public Column asc_nulls_last() {
        return sortOrder("ASC NULLS LAST", false, false);
    }

    /** SQL {@code DESC NULLS FIRST}. */
    public Column desc_nulls_first() {
        return sortOrder("DESC NULLS FIRST", true, true);
    }

    /** SQL {@code DESC NULLS LAST} (Spark's {@code desc()}). */
    public Column desc_nulls_last() {
        return sortOrder("DESC NULLS LAST", true, false);
    }

    /**
     * This ranking function ({@link Functions#row_number()}, {@link Functions#rank()},
     * {@link Functions#dense_rank()}) over the rows of each partition of {@code window} in its order: SQL's
     * {@code ROW_NUMBER() OVER (PARTITION BY ... ORDER BY ...)}. Filtered to the first ranks
     * ({@code where(col("rn").leq(3))}) it is a Top-N.
     */
    public Column over(WindowSpec window) {
        requireNonNull(window, "window is null");
        if (ranking == null) {
            throw new SluiceException(name + " is not a ranking function: over(...) takes row_number(), rank() or "
                    + "dense_rank()");
        }
        return scalar(name + " OVER " + window, scope -> window.over(scope, ranking));
    }

    public Column plus(Object other) {
        return binary(SqlStdOperatorTable.PLUS, "+", other);
    }

    public Column minus(Object other) {
        return binary(SqlStdOperatorTable.MINUS, "-", other);
    }

    public Column multiply(Object other) {
        return binary(SqlStdOperatorTable.MULTIPLY, "*", other);
    }

    public Column divide(Object other) {
        return binary(SqlStdOperatorTable.DIVIDE, "/", other);
    }

    public Column mod(Object other) {
        return binary(dev.sluice.planner.sql.SluiceOperators.MOD, "%", other);
    }

    public Column equalTo(Object other) {
        return binary(SqlStdOperatorTable.EQUALS, "=", other);
    }

    public Column notEqual(Object other) {
        return binary(SqlStdOperatorTable.NOT_EQUALS, "<>", other);
    }

    public Column gt(Object other) {
        return binary(SqlStdOperatorTable.GREATER_THAN, ">", other);
    }

    public Column geq(Object other) {
        return binary(SqlStdOperatorTable.GREATER_THAN_OR_EQUAL, ">=", other);
    }

    public Column lt(Object other) {
        return binary(SqlStdOperatorTable.LESS_THAN, "<", other);
    }

    public Column leq(Object other) {
        return binary(SqlStdOperatorTable.LESS_THAN_OR_EQUAL, "<=", other);
    }

    public Column and(Column other) {
        return binary(SqlStdOperatorTable.AND, "AND", other);
    }

    public Column or(Column other) {
        return binary(SqlStdOperatorTable.OR, "OR", other);
    }

    /** SQL {@code LIKE} with {@code %} and {@code _} wildcards. */
    public Column like(String pattern) {
        return binary(SqlStdOperatorTable.LIKE, "LIKE", Functions.lit(pattern));
    }

    public Column isNull() {
        return unary(SqlStdOperatorTable.IS_NULL, "(" + name + " IS NULL)");
    }

    public Column isNotNull() {
        return unary(SqlStdOperatorTable.IS_NOT_NULL, "(" + name + " IS NOT NULL)");
    }

    /** SQL {@code CAST(this AS type)}, {@code type} one of BOOLEAN, INTEGER, BIGINT, DOUBLE, VARCHAR, TIMESTAMP. */
    public Column cast(String type) {
        SqlTypeName target = SqlTypeName.valueOf(ColumnType.fromSqlName(type).sqlName());
        return scalar(name, scope -> scope.builder().cast(toRex(scope), target));
    }

    @Override
    public String toString() {
        return name;
    }

    /** Whether this is an aggregate ({@link Functions#count}, {@link Functions#sum}...). */
    boolean isAggregate() {
        return aggregate != null;
    }

    /** The size of the tumbling window this column stands for, if it is a {@link Functions#window}. */
    Optional<Duration> windowSize() {
        return Optional.ofNullable(window);
    }

    RexNode toRex(ColumnScope scope) {
        if (sortKey != null) {
            throw new SluiceException(name + " is a sort order: use it in orderBy(...) or Window.orderBy(...)");
        }
        if (ranking != null) {
            throw new SluiceException(name + " needs a window: " + name
                    + ".over(Window.partitionBy(...).orderBy(...))");
        }
        if (scalar == null) {
            throw new SluiceException("The aggregate " + name + " can only be used in groupBy(...).agg(...) or in a "
                    + "select of aggregates only");
        }
        return scalar.apply(scope);
    }

    /** This column as a sort key ({@code RelBuilder.sort}'s form): ascending unless it is a {@link #desc()}... */
    RexNode toSortKey(ColumnScope scope) {
        return sortKey != null ? sortKey.apply(scope) : toRex(scope);
    }

    private Column sortOrder(String text, boolean descending, Boolean nullsFirst) {
        if (sortKey != null || ranking != null || aggregate != null) {
            throw new SluiceException("Can't sort by " + name + ": asc()/desc() apply to a column or expression");
        }
        return new Column(name + " " + text, null, null, null, scope -> {
            RexNode key = toRex(scope);
            if (descending) {
                key = scope.builder().desc(key);
            }
            if (nullsFirst != null) {
                key = nullsFirst ? scope.builder().nullsFirst(key) : scope.builder().nullsLast(key);
            }
            return key;
        }, null);
    }

    RelBuilder.AggCall toAggCall(ColumnScope scope) {
        if (aggregate == null) {
            throw new SluiceException("Column " + name + " is not an aggregate: agg(...) takes count, sum, avg, min, "
                    + "max...; group by it instead");
        }
        return aggregate.apply(scope);
    }

    private Column unary(SqlOperator op, String resultName) {
        return scalar(resultName, scope -> scope.builder().call(op, toRex(scope)));
    }

    private Column binary(SqlOperator op, String symbol, Object other) {
        Column right = Functions.toColumn(other);
        return scalar("(" + name + " " + symbol + " " + right.name + ")", scope -> {
            RexNode l = toRex(scope);
            RexNode r = right.toRex(scope);
            if (op.getKind().belongsTo(SqlKind.COMPARISON)) {
                // As SQL's validator does: a numeric or string literal compared with a column takes its type.
                l = coerceLiteral(scope, l, r);
                r = coerceLiteral(scope, r, l);
            }
            return scope.builder().call(op, l, r);
        });
    }

    private static RexNode coerceLiteral(ColumnScope scope, RexNode literal, RexNode other) {
        RelDataType from = literal.getType();
        RelDataType to = other.getType();
        if (!(literal instanceof RexLiteral value) || from.getSqlTypeName() == to.getSqlTypeName()) {
            return literal;
        }
        RelDataType target = scope.builder().getTypeFactory().createTypeWithNullability(to, from.isNullable());
        if (SqlTypeUtil.isCharacter(from) && SqlTypeUtil.isCharacter(to)) {
            return scope.builder().getRexBuilder().makeCast(target, value);
        }
        if (!SqlTypeUtil.isNumeric(from) || !SqlTypeUtil.isNumeric(to)) {
            return literal;
        }
        if (SqlTypeUtil.isIntType(from) && SqlTypeUtil.isIntType(to)) {
            // An integer compared with a wider integer column: a literal of the column's type, as SQL writes it
            // ({@code rn <= 3} on a BIGINT rank is a BIGINT 3, which the Top-N reads as its bound).
            return scope.builder().getRexBuilder().makeExactLiteral(value.getValueAs(java.math.BigDecimal.class),
                    scope.builder().getTypeFactory().createSqlType(to.getSqlTypeName()));
        }
        // A CAST call, not a folded literal: the expression SQL's validator writes.
        return scope.builder().getRexBuilder().makeCall(target, SqlStdOperatorTable.CAST, List.of(literal));
    }
}
