package dev.sluice.api;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.avatica.util.TimeUnit;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlIntervalQualifier;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * The functions of the DataFrame API, to import statically as in Spark:
 * {@code import static dev.sluice.api.Functions.*;}
 *
 * <pre>{@code
 * clicks.groupBy(window(col("ts"), "10 seconds"), col("page"))
 *       .agg(count("*").as("n"), sum("amount").as("total"));
 * }</pre>
 */
public final class Functions {
    private static final Pattern DURATION = Pattern.compile(
            "(\\d+)\\s*(ms|milliseconds?|s|sec|seconds?|m|min|minutes?|h|hours?|d|days?)");

    private Functions() {
    }

    /** The column called {@code name} ({@code "alias.name"} picks a side of a join); case-insensitive. */
    public static Column col(String name) {
        return Column.scalar(name, scope -> scope.field(name));
    }

    /** A constant: Boolean, Integer, Long, Double, String, or null. */
    public static Column lit(Object value) {
        return Column.scalar(String.valueOf(value), scope -> value == null
                ? scope.builder().getRexBuilder().makeNullLiteral(
                        scope.builder().getTypeFactory().createSqlType(org.apache.calcite.sql.type.SqlTypeName.NULL))
                : scope.builder().literal(value));
    }

    /** SQL {@code COUNT(*)} when {@code column} is {@code "*"}, else the count of non-null values of it. */
    public static Column count(String column) {
        if (column.equals("*")) {
            return Column.aggregate("count", (scope, name) -> scope.builder().countStar(name));
        }
        return count(col(column));
    }

    /** The number of rows where {@code column} is not null. */
    public static Column count(Column column) {
        return Column.aggregate("count_" + column.name(),
                (scope, name) -> scope.builder().count(false, name, column.toRex(scope)));
    }

    /** SQL {@code COUNT(DISTINCT column)}. */
    public static Column countDistinct(Column column) {
        return Column.aggregate("count_distinct_" + column.name(),
                (scope, name) -> scope.builder().count(true, name, column.toRex(scope)));
    }

    public static Column countDistinct(String column) {
        return countDistinct(col(column));
    }

    public static Column sum(Column column) {
        return Column.aggregate("sum_" + column.name(), (scope, name) -> scope.builder().sum(false, name,
                column.toRex(scope)));
    }

    public static Column sum(String column) {
        return sum(col(column));
    }

    public static Column avg(Column column) {
        return Column.aggregate("avg_" + column.name(), (scope, name) -> scope.builder().avg(false, name,
                column.toRex(scope)));
    }

    public static Column avg(String column) {
        return avg(col(column));
    }

    public static Column min(Column column) {
        return Column.aggregate("min_" + column.name(), (scope, name) -> scope.builder().min(name,
                column.toRex(scope)));
    }

    public static Column min(String column) {
        return min(col(column));
    }

    public static Column max(Column column) {
        return Column.aggregate("max_" + column.name(), (scope, name) -> scope.builder().max(name,
                column.toRex(scope)));
    }

    public static Column max(String column) {
        return max(col(column));
    }

    public static Column not(Column column) {
        return Column.scalar("(NOT " + column.name() + ")",
                scope -> scope.builder().not(column.toRex(scope)));
    }

    public static Column upper(Column column) {
        return Column.scalar("upper(" + column.name() + ")",
                scope -> scope.builder().call(SqlStdOperatorTable.UPPER, column.toRex(scope)));
    }

    public static Column lower(Column column) {
        return Column.scalar("lower(" + column.name() + ")",
                scope -> scope.builder().call(SqlStdOperatorTable.LOWER, column.toRex(scope)));
    }

    /** {@code column} ascending, for {@code orderBy}: {@code col(column).asc()}. */
    public static Column asc(String column) {
        return col(column).asc();
    }

    /** {@code column} descending, for {@code orderBy}: {@code col(column).desc()}. */
    public static Column desc(String column) {
        return col(column).desc();
    }

    /** SQL {@code ROW_NUMBER()}: 1, 2, 3... in each partition of the window given to {@link Column#over}. */
    public static Column row_number() {
        return Column.ranking("row_number()", SqlStdOperatorTable.ROW_NUMBER);
    }

    /** SQL {@code RANK()}: ties share a rank, and leave a gap after them (1, 1, 3). */
    public static Column rank() {
        return Column.ranking("rank()", SqlStdOperatorTable.RANK);
    }

    /** SQL {@code DENSE_RANK()}: ties share a rank, with no gap after them (1, 1, 2). */
    public static Column dense_rank() {
        return Column.ranking("dense_rank()", SqlStdOperatorTable.DENSE_RANK);
    }

    /**
     * A tumbling event-time window of {@code duration} ("10 seconds", "1 minute", "500 ms", "2 hours") over a
     * TIMESTAMP column, for {@link DataFrame#groupBy}: the result then has {@code window_start} and
     * {@code window_end} columns (SQL: {@code GROUP BY TUMBLE(ts, INTERVAL '10' SECOND)}).
     */
    public static Column window(Column timeColumn, String duration) {
        Interval interval = Interval.parse(duration);
        return Column.window("window", scope -> scope.builder().call(SqlStdOperatorTable.TUMBLE_OLD,
                timeColumn.toRex(scope), interval.toRex(scope)), interval.duration());
    }

    /** {@code value} as a column: itself if it is a {@link Column}, else {@link #lit}. */
    static Column toColumn(Object value) {
        return value instanceof Column c ? c : lit(value);
    }

    /** A day-time interval as SQL writes it: a number of one unit ({@code INTERVAL '10' SECOND}). */
    record Interval(long amount, TimeUnit unit, Duration duration) {
        static Interval parse(String text) {
            Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new SluiceException("Invalid window duration '" + text
                        + "': expected e.g. '10 seconds', '1 minute', '500 ms', '2 hours', '1 day'");
            }
            long n = Long.parseLong(m.group(1));
            String u = m.group(2);
            if (u.startsWith("ms") || u.startsWith("milli")) {
                return new Interval(n, TimeUnit.SECOND, Duration.ofMillis(n));
            }
            TimeUnit unit = u.startsWith("s") ? TimeUnit.SECOND : u.startsWith("m") ? TimeUnit.MINUTE
                    : u.startsWith("h") ? TimeUnit.HOUR : TimeUnit.DAY;
            return new Interval(n, unit, Duration.ofMillis(n * unit.multiplier.longValueExact()));
        }

        RexNode toRex(ColumnScope scope) {
            return scope.builder().getRexBuilder().makeIntervalLiteral(BigDecimal.valueOf(duration.toMillis()),
                    new SqlIntervalQualifier(unit, null, SqlParserPos.ZERO));
        }
    }
}
