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

    private Column(String name, Function<ColumnScope, RexNode> scalar,
                   Function<ColumnScope, RelBuilder.AggCall> aggregate, Duration window) {
        this.name = requireNonNull(name, "name is null");
        this.scalar = scalar;
        this.aggregate = aggregate;
        this.window = window;
    }

    static Column scalar(String name, Function<ColumnScope, RexNode> rex) {
        return new Column(name, requireNonNull(rex, "rex is null"), null, null);
    }

    /** An aggregate: {@code call} gets the output name and the scope of the aggregated rows. */
    static Column aggregate(String name, java.util.function.BiFunction<ColumnScope, String, RelBuilder.AggCall> call) {
        return new Column(name, null, scope -> call.apply(scope, name), null);
    }

    static Column window(String name, Function<ColumnScope, RexNode> start, Duration size) {
        return new Column(name, start, null, requireNonNull(size, "size is null"));
    }

    /** The name this column gets in a result unless renamed with {@link #as}. */
    public String name() {
        return name;
    }

    /** This column under another name (SQL's {@code AS}). */
    public Column as(String alias) {
        requireNonNull(alias, "alias is null");
        if (aggregate != null) {
            return new Column(alias, null, scope -> aggregate.apply(scope).as(alias), null);
        }
        return new Column(alias, scalar, null, window);
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
        if (scalar == null) {
            throw new SluiceException("The aggregate " + name + " can only be used in groupBy(...).agg(...) or in a "
                    + "select of aggregates only");
        }
        return scalar.apply(scope);
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
        // A CAST call, not a folded literal: the expression SQL's validator writes.
        return scope.builder().getRexBuilder().makeCall(target, SqlStdOperatorTable.CAST, List.of(literal));
    }
}
