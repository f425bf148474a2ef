package dev.sluice.execution.plan;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.aggregate.AggregateCall;
import dev.sluice.execution.type.RowSchema;
import java.util.List;

/**
 * Aggregates over a window of rows around each row ({@code SUM(x) OVER (PARTITION BY k ORDER BY ts RANGE
 * BETWEEN INTERVAL '10' SECOND PRECEDING AND CURRENT ROW)}): every input row once, with one more column per
 * aggregate, computed over the rows of its partition from {@code preceding} before it (by the order
 * column's time for RANGE, by position for ROWS; -1: from the partition's first row) up to it (RANGE: its
 * peers, the rows of the same time, included). Output: the input's columns, then the aggregates.
 *
 * <p>On a stream (as Flink's OVER aggregation) a row is emitted once the watermark has passed its time (no
 * row of its frame can come any more), in time order; the state keeps each partition's rows that are not
 * emitted yet or still in a frame to come ({@code state/over}). A frame must then be bounded.
 *
 * @param orderColumn the input column rows are ordered by: a TIMESTAMP (on a stream, the event time)
 */
public record OverAggregateNode(PhysicalNode input, List<Integer> partition, int orderColumn, boolean rows,
                                long preceding, List<AggregateCall> calls, RowSchema schema) implements PhysicalNode {
    public OverAggregateNode {
        requireNonNull(input, "input is null");
        partition = List.copyOf(partition);
        calls = List.copyOf(calls);
        requireNonNull(schema, "schema is null");
        if (preceding < -1) {
            throw new IllegalArgumentException("A window frame can't start " + preceding + " before its row");
        }
        if (schema.size() != input.schema().size() + calls.size()) {
            throw new IllegalArgumentException("An OVER aggregation emits its input's columns and its aggregates");
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

    /** The frame as SQL writes it. */
    public String frame() {
        String start = preceding < 0 ? "UNBOUNDED" : rows ? String.valueOf(preceding) : preceding + " ms";
        return (rows ? "ROWS" : "RANGE") + " BETWEEN " + start + " PRECEDING AND CURRENT ROW";
    }

    @Override
    public String describe() {
        return "OverAggregate(" + calls + ", partition=" + partition.stream().map(i -> input.schema().column(i).name())
                .toList() + ", order=" + input.schema().column(orderColumn).name() + ", " + frame() + ")";
    }
}
