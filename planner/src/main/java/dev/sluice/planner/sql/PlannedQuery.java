package dev.sluice.planner.sql;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.aggregate.OutputMode;
import dev.sluice.execution.changelog.ChangelogMode;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.plan.AggregateNode;
import dev.sluice.execution.plan.PhysicalNode;
import dev.sluice.execution.plan.ScanNode;
import dev.sluice.execution.stream.IncrementalPlan;
import dev.sluice.execution.type.RowSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A query ready to run: its physical plan, whether it is continuous ({@code SELECT STREAM}) or bounded,
 * and for {@code INSERT INTO} the target table.
 *
 * @param streaming true for {@code SELECT STREAM} and {@code INSERT INTO ... SELECT STREAM}
 * @param root the physical plan; its schema is the output schema (for INSERT: the target's columns)
 * @param target the table written by INSERT INTO, if any
 * @param logicalPlan Calcite's optimised relational plan, for EXPLAIN
 */
public record PlannedQuery(boolean streaming, PhysicalNode root, Optional<TableDescriptor> target,
                           String logicalPlan) {
    public PlannedQuery {
        requireNonNull(root, "root is null");
        requireNonNull(target, "target is null");
        requireNonNull(logicalPlan, "logicalPlan is null");
    }

    public RowSchema outputSchema() {
        return root.schema();
    }

    /**
     * Whether the result of this continuous query, emitted in {@code mode}, deletes rows it emitted before (a
     * Top-N on a stream, an aggregate over updating rows in update mode): its sink must take changes, and a
     * client sees each row's change.
     */
    public boolean updatesRows(OutputMode mode) {
        return streaming && IncrementalPlan.of(root, mode).resultChangelogMode().kind() == ChangelogMode.Kind.RETRACT;
    }

    /** Whether the plan aggregates (GROUP BY): its results are then updates of keyed state. */
    public boolean hasAggregation() {
        return hasAggregation(root);
    }

    private static boolean hasAggregation(PhysicalNode node) {
        return node instanceof AggregateNode || node.inputs().stream().anyMatch(PlannedQuery::hasAggregation);
    }

    /**
     * What a checkpoint's state depends on: the stateful operators with their keys and aggregates
     * ({@code "stateless"} if there are none). A restart whose fingerprint differs would misread the state.
     */
    public String statefulFingerprint() {
        List<String> stateful = new ArrayList<>();
        collectStateful(root, stateful);
        return stateful.isEmpty() ? "stateless" : String.join("; ", stateful);
    }

    private static void collectStateful(PhysicalNode node, List<String> out) {
        if (node.isStateful()) {
            out.add(node.describe());
        }
        node.inputs().forEach(input -> collectStateful(input, out));
    }

    /** Whether the plan groups by a tumbling window over a table with a watermark (append mode is then possible). */
    public boolean hasWatermarkedWindow() {
        return windowed(root) && scans().stream().anyMatch(s -> s.table().watermark().isPresent())
                || processingTimeWindowed(root);
    }

    /** A window over {@code PROCTIME()} closes by the batches' times, with or without a watermark. */
    private static boolean processingTimeWindowed(PhysicalNode node) {
        return node instanceof AggregateNode agg && agg.window().map(AggregateNode.Window::processingTime).orElse(false)
                || node.inputs().stream().anyMatch(PlannedQuery::processingTimeWindowed);
    }

    private static boolean windowed(PhysicalNode node) {
        return node instanceof AggregateNode agg && agg.window().isPresent()
                || node.inputs().stream().anyMatch(PlannedQuery::windowed);
    }

    /** The scans of the plan, left to right. */
    public List<ScanNode> scans() {
        List<ScanNode> scans = new ArrayList<>();
        collect(root, scans);
        return scans;
    }

    private static void collect(PhysicalNode node, List<ScanNode> scans) {
        if (node instanceof ScanNode scan) {
            scans.add(scan);
        }
        for (PhysicalNode input : node.inputs()) {
            collect(input, scans);
        }
    }

    /** EXPLAIN text: the logical plan, then the physical plan. */
    public String explain() {
        return "== Logical plan (Calcite) ==\n" + logicalPlan
                + "\n== Physical plan (" + (streaming ? "continuous, micro-batches" : "bounded") + ") ==\n"
                + root.explain();
    }
}
