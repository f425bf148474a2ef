package dev.sluice.execution.plan;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.RowSchema;
import java.util.List;

/**
 * Top-N per group: {@code ROW_NUMBER() / RANK() / DENSE_RANK() OVER (PARTITION BY partition ORDER BY order)}
 * filtered to ranks up to {@code limit}, as Flink plans it. Output: the input's columns, then the rank
 * (BIGINT). Stateful on streams: per partition key, the rows currently in its top (the checkpoint's
 * {@code state/topn}); a new row entering a partition's top pushes another out, emitted as a delete of the
 * row that left and inserts of the rows that entered (and of those whose rank changed).
 *
 * @param windowed whether every partition's rows come in one batch and are final (the partition includes
 *     the window of a window aggregation below): then each partition's top is emitted once, as inserts, and
 *     nothing is kept
 */
public record TopNNode(PhysicalNode input, List<Integer> partition, List<SortKey> order, RankFunction function,
                       long limit, boolean windowed, RowSchema schema) implements PhysicalNode {
    /** The ranking function: how ties are numbered. */
    public enum RankFunction {
        /** 1, 2, 3, ... whatever the ties (ties in an arbitrary but fixed order). */
        ROW_NUMBER,
        /** Ties share a rank; the next rank skips as many: 1, 1, 3. */
        RANK,
        /** Ties share a rank; the next rank follows: 1, 1, 2. */
        DENSE_RANK
    }

    public TopNNode {
        requireNonNull(input, "input is null");
        partition = List.copyOf(partition);
        order = List.copyOf(order);
        requireNonNull(function, "function is null");
        requireNonNull(schema, "schema is null");
        if (order.isEmpty()) {
            throw new IllegalArgumentException(function + "() needs an ORDER BY in its OVER clause for a Top-N");
        }
        if (limit < 1) {
            throw new IllegalArgumentException("A Top-N keeps at least the first row, not " + limit);
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
        return !windowed;
    }

    @Override
    public String describe() {
        return "TopN(" + function + " <= " + limit + ", partition=" + partition.stream()
                .map(i -> input.schema().column(i).name()).toList() + ", order=" + order.stream()
                .map(k -> k.describe(input.schema())).toList() + (windowed ? ", per window: emitted once" : "") + ")";
    }
}
