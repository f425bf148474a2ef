package dev.sluice.execution.plan;

import dev.sluice.execution.type.RowSchema;
import java.util.List;

/**
 * A node of Sluice's physical plan: an immutable tree, built by the planner from Calcite's optimised
 * relational plan and run by the micro-batch loop.
 *
 * <p>Stateless nodes ({@link ScanNode}, {@link FilterProjectNode}, {@link UnionAllNode}) run inside the
 * per-partition tasks; nodes that need all partitions ({@link LimitNode}, {@link SortNode}, and the stateful
 * ones, {@link #isStateful()}: aggregates, Top-N, OVER, stream and temporal joins) run above the tasks, as the
 * operators of the incremental plan, once per batch.
 */
public sealed interface PhysicalNode permits ScanNode, FilterProjectNode, CumulateWindowNode, UnionAllNode, LimitNode, SortNode, TopNNode, WindowTopNNode,
        OverAggregateNode, AggregateNode,
        LookupJoinNode, StreamJoinNode, TemporalJoinNode {
    RowSchema schema();

    List<PhysicalNode> inputs();

    /** Whether the node keeps state across micro-batches (which must then be checkpointed). */
    default boolean isStateful() {
        return false;
    }

    /** One line describing this node (without inputs), for EXPLAIN. */
    String describe();

    /** The indented tree below and including this node, for EXPLAIN. */
    default String explain() {
        StringBuilder sb = new StringBuilder();
        explain(this, 0, sb);
        return sb.toString();
    }

    private static void explain(PhysicalNode node, int depth, StringBuilder sb) {
        sb.append("  ".repeat(depth)).append(node.describe()).append('\n');
        for (PhysicalNode input : node.inputs()) {
            explain(input, depth + 1, sb);
        }
    }
}
