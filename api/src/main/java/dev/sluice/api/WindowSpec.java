package dev.sluice.api;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexWindowBounds;
import org.apache.calcite.sql.SqlAggFunction;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.tools.RelBuilder;

/**
 * A window of rows for a ranking function ({@link Column#over}): the partition keys and the order within each
 * partition, as in SQL's {@code OVER (PARTITION BY ... ORDER BY ...)}. Made with {@link Window#partitionBy} or
 * {@link Window#orderBy}; immutable, each method returns a new spec.
 */
public final class WindowSpec {
    private final List<Column> partition;
    private final List<Column> order;

    WindowSpec(List<Column> partition, List<Column> order) {
        this.partition = List.copyOf(partition);
        this.order = List.copyOf(order);
    }

    /** This spec partitioned by {@code keys} instead. */
    public WindowSpec partitionBy(Column... keys) {
        return new WindowSpec(List.of(keys), order);
    }

    public WindowSpec partitionBy(String... keys) {
        return partitionBy(Arrays.stream(keys).map(Functions::col).toArray(Column[]::new));
    }

    /** This spec ordered by {@code keys} ({@code col("x").desc()}...) instead. */
    public WindowSpec orderBy(Column... keys) {
        return new WindowSpec(partition, List.of(keys));
    }

    public WindowSpec orderBy(String... keys) {
        return orderBy(Arrays.stream(keys).map(Functions::col).toArray(Column[]::new));
    }

    /**
     * {@code function} over this window, with the frame SQL's conversion gives it (the rows up to the current one for
     * ROW_NUMBER, the range up to the current row's peers for the ranks), so the twins' plans are the same.
     */
    RexNode over(ColumnScope scope, SqlAggFunction function) {
        List<RexNode> keys = new ArrayList<>();
        for (Column c : partition) {
            keys.add(c.toRex(scope));
        }
        List<RexNode> sort = new ArrayList<>();
        for (Column c : order) {
            sort.add(c.toSortKey(scope));
        }
        RelBuilder.OverCall over = scope.builder().aggregateCall(function).over().partitionBy(keys).orderBy(sort);
        over = function.getKind() == SqlKind.ROW_NUMBER
                ? over.rowsBetween(RexWindowBounds.UNBOUNDED_PRECEDING, RexWindowBounds.CURRENT_ROW)
                : over.rangeBetween(RexWindowBounds.UNBOUNDED_PRECEDING, RexWindowBounds.CURRENT_ROW);
        return over.toRex();
    }

    @Override
    public String toString() {
        return "(" + (partition.isEmpty() ? "" : "PARTITION BY " + names(partition))
                + (partition.isEmpty() || order.isEmpty() ? "" : " ")
                + (order.isEmpty() ? "" : "ORDER BY " + names(order)) + ")";
    }

    private static String names(List<Column> columns) {
        return columns.stream().map(Column::name).collect(Collectors.joining(", "));
    }
}
