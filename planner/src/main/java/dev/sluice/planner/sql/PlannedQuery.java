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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A query ready to run: its physical plan, whether it is continuous ({@code SELECT STREAM}) or bounded,
 * and for {@code INSERT INTO} the target table. Immutable, but for the {@link IncrementalPlan} of a
 * continuous query, compiled once per output mode and kept: the planner's check, the launcher, the query's
 * execution and EXPLAIN all use the same one rather than compiling it again each.
 */
public final class PlannedQuery {
    private final boolean streaming;
    private final PhysicalNode root;
    private final Optional<TableDescriptor> target;
    private final String logicalPlan;
    /** Compiled incremental plans by output mode; thread-safe. */
    private final Map<OutputMode, IncrementalPlan> incrementalPlans = new ConcurrentHashMap<>();

    /**
     * @param streaming true for {@code SELECT STREAM} and {@code INSERT INTO ... SELECT STREAM}
     * @param root the physical plan; its schema is the output schema (for INSERT: the target's columns)
     * @param target the table written by INSERT INTO, if any
     * @param logicalPlan Calcite's optimised relational plan, for EXPLAIN
     */
    public PlannedQuery(boolean streaming, PhysicalNode root, Optional<TableDescriptor> target, String logicalPlan) {
        this.streaming = streaming;
        this.root = requireNonNull(root, "root is null");
        this.target = requireNonNull(target, "target is null");
        this.logicalPlan = requireNonNull(logicalPlan, "logicalPlan is null");
    }

    /** As the other constructor, with the incremental plan the planner already compiled for {@code mode}. */
    PlannedQuery(boolean streaming, PhysicalNode root, Optional<TableDescriptor> target, String logicalPlan,
                 OutputMode mode, IncrementalPlan compiled) {
        this(streaming, root, target, logicalPlan);
        incrementalPlans.put(requireNonNull(mode, "mode is null"), requireNonNull(compiled, "compiled is null"));
    }

    public boolean streaming() {
        return streaming;
    }

    public PhysicalNode root() {
        return root;
    }

    public Optional<TableDescriptor> target() {
        return target;
    }

    public String logicalPlan() {
        return logicalPlan;
    }

    /**
     * How this continuous query runs incrementally when its result is emitted in {@code mode}: compiled on the
     * first call for a mode, the same object after.
     *
     * @throws IllegalArgumentException naming the operator that can't run incrementally in {@code mode}, and why
     * @throws IllegalStateException if the query is bounded
     */
    public IncrementalPlan incrementalPlan(OutputMode mode) {
        requireNonNull(mode, "mode is null");
        if (!streaming) {
            throw new IllegalStateException("A bounded query has no incremental plan");
        }
        // Not computeIfAbsent: compiling may throw, and two threads compiling the same plan at once is harmless.
        IncrementalPlan plan = incrementalPlans.get(mode);
        if (plan == null) {
            plan = IncrementalPlan.of(root, mode);
            IncrementalPlan raced = incrementalPlans.putIfAbsent(mode, plan);
            return raced != null ? raced : plan;
        }
        return plan;
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
        return streaming && incrementalPlan(mode).resultChangelogMode().kind() == ChangelogMode.Kind.RETRACT;
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
