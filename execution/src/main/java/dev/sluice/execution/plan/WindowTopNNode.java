package dev.sluice.execution.plan;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.plan.TopNNode.RankFunction;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import java.util.List;

/**
 * A window Top-N, as Flink's: {@code ROW_NUMBER() / RANK() / DENSE_RANK() OVER (PARTITION BY window_start,
 * window_end [, k] ORDER BY ...)} filtered to ranks up to {@code limit}, over the rows of a window table function
 * (TUMBLE, HOP, CUMULATE) of a watermarked table. A window's top is final once the watermark passes the window's
 * end, so it is emitted then, once, as inserts (append-only), and the window leaves the state; with
 * {@code limit} 1 and the order on the time column it is Flink's window deduplication (keep the first or the last
 * row per window and key). Stateful: per partition key, the rows now in its top.
 *
 * @param closeKey the position, among the partition columns, of the column the window closes by: its window_end
 *     (or window_start, then {@code closeDelayMillis} is the window's size)
 * @param closeDelayMillis how long after that column's value the window ends
 * @param processingTime whether the windows are of {@code PROCTIME()}: a window then closes when a batch's time
 *     (its logged time, every row's PROCTIME()) passes its end, whatever the watermark
 */
public record WindowTopNNode(PhysicalNode input, List<Integer> partition, List<SortKey> order, RankFunction function,
                             long limit, int closeKey, long closeDelayMillis, boolean processingTime, RowSchema schema)
        implements PhysicalNode {
    public WindowTopNNode {
        requireNonNull(input, "input is null");
        partition = List.copyOf(partition);
        order = List.copyOf(order);
        requireNonNull(function, "function is null");
        requireNonNull(schema, "schema is null");
        if (order.isEmpty() || limit < 1) {
            throw new IllegalArgumentException("A window Top-N needs an ORDER BY and keeps at least the first row");
        }
        if (closeKey < 0 || closeKey >= partition.size()
                || input.schema().column(partition.get(closeKey)).type() != ColumnType.TIMESTAMP) {
            throw new IllegalArgumentException("A window Top-N is partitioned by its window (a TIMESTAMP column)");
        }
        if (schema.size() != input.schema().size() + 1) {
            throw new IllegalArgumentException("A Top-N's output is its input's columns and the rank");
        }
    }

    @Override
    public List<PhysicalNode> inputs() {
        return List.of(input);
    }

    @Override
    public boolean isStateful() {
        return true;
    }

    /** Whether this keeps one row per window and key, ordered by time: a window deduplication. */
    public boolean deduplicates() {
        return function == RankFunction.ROW_NUMBER && limit == 1 && order.size() == 1
                && input.schema().column(order.get(0).column()).type() == ColumnType.TIMESTAMP;
    }

    @Override
    public String describe() {
        String what = deduplicates() ? "WindowDeduplicate(keep " + (order.get(0).descending() ? "last" : "first")
                + " row" : "WindowTopN(" + function + " <= " + limit;
        return what + ", partition=" + partition.stream().map(i -> input.schema().column(i).name()).toList()
                + ", order=" + order.stream().map(k -> k.describe(input.schema())).toList() + ", closes at "
                + input.schema().column(partition.get(closeKey)).name()
                + (closeDelayMillis > 0 ? " + " + closeDelayMillis + " ms" : "")
                + (processingTime ? " (processing time)" : "") + ")";
    }
}
