package dev.sluice.api;

import dev.sluice.execution.aggregate.OutputMode;
import dev.sluice.execution.plan.AggregateNode;
import dev.sluice.execution.plan.LimitNode;
import dev.sluice.execution.plan.PhysicalNode;
import dev.sluice.execution.plan.ScanNode;
import dev.sluice.execution.plan.StreamJoinNode;
import dev.sluice.execution.stream.Trigger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The part of EXPLAIN that says how a continuous query runs: its trigger and output mode, which operators
 * run in the per-partition tasks (stateless) and which once per batch, which are stateful and where their
 * state lives. Mirrors how {@code BatchPlan} cuts a plan.
 */
final class IncrementalPlanText {
    private IncrementalPlanText() {
    }

    static String of(PhysicalNode root, Trigger trigger, OutputMode mode, String checkpoint, Optional<String> target) {
        List<String> perTask = new ArrayList<>();
        List<String> perBatch = new ArrayList<>();
        List<String> state = new ArrayList<>();
        cut(root, perTask, perBatch, state, checkpoint);
        StringBuilder sb = new StringBuilder("\n== Incremental execution ==\n");
        sb.append("Trigger: ").append(trigger).append("; output mode: ").append(mode.name().toLowerCase(Locale.ROOT))
                .append('\n');
        sb.append("Per partition (one task per Kafka partition, stateless): ").append(String.join(" -> ", perTask))
                .append('\n');
        List<String> batch = new ArrayList<>(perBatch);
        batch.add(target.map(t -> "write to " + t).orElse("hand rows to the client"));
        sb.append("Per batch (once, after the tasks): ").append(String.join(" -> ", batch)).append('\n');
        if (state.isEmpty()) {
            sb.append("State: none (stateless query)\n");
        }
        for (String s : state) {
            sb.append("State: ").append(s).append(" (a delta per batch, snapshots, old versions cleaned)\n");
        }
        sb.append("Checkpoint: ").append(checkpoint).append(" (offsets logged before each batch, commits after)\n");
        return sb.toString();
    }

    /** Collects the operators bottom-up: those below (and the partial step of) an aggregate run per task. */
    private static void cut(PhysicalNode node, List<String> perTask, List<String> perBatch, List<String> state,
                            String checkpoint) {
        if (node instanceof AggregateNode agg && agg.window().map(AggregateNode.Window::session).orElse(false)) {
            cut(agg.input(), perTask, perBatch, state, checkpoint);
            List<String> keys = agg.groupKeys().stream().map(k -> agg.input().schema().column(k).name()).toList();
            perBatch.add("SessionAggregate (the batch's rows into the sessions in state)");
            state.add("sessions of " + keys + ", " + agg.window().get() + ", closed as the watermark passes "
                    + "their end, versioned by batch id in " + checkpoint + "/state/session");
            return;
        }
        if (node instanceof AggregateNode agg) {
            cut(agg.input(), perTask, perBatch, state, checkpoint);
            perTask.add("HashAggregate (partial)");
            perBatch.add("HashAggregate (final: merge into state)");
            List<String> keys = agg.groupKeys().stream().map(k -> agg.input().schema().column(k).name()).toList();
            state.add("HashAggregate keyed by " + keys + agg.window().map(w -> ", window " + w + " (closed windows "
                    + "leave the state as the watermark passes them)").orElse("") + ", versioned by batch id in "
                    + checkpoint + "/state/aggregate");
            return;
        }
        if (node instanceof StreamJoinNode join) {
            cut(join.left(), perTask, perBatch, state, checkpoint);
            cut(join.right(), perTask, perBatch, state, checkpoint);
            perBatch.add("StreamJoin (new rows of each side against the state)");
            state.add("StreamJoin rows of both sides, until the watermark passes their time bound, versioned by "
                    + "batch id in " + checkpoint + "/state/join");
            return;
        }
        boolean hasAggregateBelow = containsAggregate(node);
        for (PhysicalNode input : node.inputs()) {
            cut(input, perTask, perBatch, state, checkpoint);
        }
        String name = node instanceof ScanNode scan ? "Scan " + scan.table().name()
                : node.getClass().getSimpleName().replace("Node", "");
        if (node instanceof LimitNode || hasAggregateBelow) {
            perBatch.add(name);
        } else if (!(node instanceof dev.sluice.execution.plan.UnionAllNode)) {
            perTask.add(name);
        }
    }

    private static boolean containsAggregate(PhysicalNode node) {
        return node instanceof AggregateNode || node instanceof StreamJoinNode
                || node.inputs().stream().anyMatch(IncrementalPlanText::containsAggregate);
    }
}
