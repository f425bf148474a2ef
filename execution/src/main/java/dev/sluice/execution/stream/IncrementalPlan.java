package dev.sluice.execution.stream;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.aggregate.OutputMode;
import dev.sluice.execution.changelog.ChangelogMode;
import dev.sluice.execution.operator.AggregateOperator;
import dev.sluice.execution.operator.ChangelogFilterProjectOperator;
import dev.sluice.execution.operator.CumulateWindowOperator;
import dev.sluice.execution.operator.ChangelogNormalizeOperator;
import dev.sluice.execution.operator.FilterProjectOperator;
import dev.sluice.execution.operator.HashAggregateOperator;
import dev.sluice.execution.operator.HashJoinOperator;
import dev.sluice.execution.operator.LookupJoinOperator;
import dev.sluice.execution.operator.SessionAggregateOperator;
import dev.sluice.execution.operator.OverAggregateOperator;
import dev.sluice.execution.operator.SortOperator;
import dev.sluice.execution.operator.TopNOperator;
import dev.sluice.execution.operator.WindowTopNOperator;
import dev.sluice.execution.operator.StreamJoinOperator;
import dev.sluice.execution.operator.TemporalJoinOperator;
import dev.sluice.execution.operator.StreamOperator;
import dev.sluice.execution.operator.UnionOperator;
import dev.sluice.execution.operator.UpsertScanOperator;
import dev.sluice.execution.expr.And;
import dev.sluice.execution.expr.ColumnRef;
import dev.sluice.execution.expr.Comparison;
import dev.sluice.execution.expr.InputColumns;
import dev.sluice.execution.expr.Literal;
import dev.sluice.execution.expr.Or;
import dev.sluice.execution.expr.PhysicalExpr;
import dev.sluice.execution.plan.AggregateNode;
import dev.sluice.execution.plan.CumulateWindowNode;
import dev.sluice.execution.plan.FilterProjectNode;
import dev.sluice.execution.plan.JoinType;
import dev.sluice.execution.plan.LimitNode;
import dev.sluice.execution.plan.LookupJoinNode;
import dev.sluice.execution.plan.PhysicalNode;
import dev.sluice.execution.plan.OverAggregateNode;
import dev.sluice.execution.plan.ScanNode;
import dev.sluice.execution.plan.SortNode;
import dev.sluice.execution.plan.TopNNode;
import dev.sluice.execution.plan.WindowTopNNode;
import dev.sluice.execution.plan.StreamJoinNode;
import dev.sluice.execution.plan.TemporalJoinNode;
import dev.sluice.execution.plan.UnionAllNode;
import dev.sluice.execution.source.StreamSource;
import dev.sluice.execution.state.StateSpec;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a query runs incrementally: a tree of {@link Stage}s, built once per query from its physical plan.
 * Each micro-batch flows through it bottom-up as changelog batches:
 * <ul>
 *   <li>the leaves are {@link TaskStage}s: the stateless part of the plan (scans, filters, projections,
 *       lookup-join probes, and the partial step of an aggregate right above them), run as one task per
 *       source partition, in parallel;</li>
 *   <li>every other node is an {@link OperatorStage}: a {@link StreamOperator} run once per batch over the
 *       changes its inputs emitted, with its own keyed state in the checkpoint (an aggregate, a session
 *       window, a stream join) or none (a filter/projection or union above them).</li>
 * </ul>
 * Stateful operators compose: an aggregate over a join, a join of two windowed aggregates, an aggregate
 * over a windowed aggregate. Each node declares the kind of changes it emits ({@link ChangelogMode}); an
 * operator that can't take its input's changes yet is refused here, naming it.
 *
 * <p>Watermarks: every operator gets its own input watermark, the smallest of its inputs' output watermarks;
 * an operator's output watermark trails its input watermark by its {@link StreamOperator.Factory#watermarkDelayMillis()}
 * (an interval join emits pairs whose earlier row is older than the watermark), so an aggregate above a join
 * closes a window only when no pair for it can come any more.
 */
public final class IncrementalPlan {
    /** A node of the plan's tree. */
    sealed interface Stage permits TaskStage, OperatorStage {
        RowSchema schema();

        ChangelogMode changelogMode();
    }

    /**
     * Rows read and processed by the per-partition tasks: one pipeline per scan, one task per pipeline and
     * partition; with {@code partial}, each task ends with the partial step of the aggregate above.
     */
    record TaskStage(List<TaskPipeline> pipelines, Optional<HashAggregateOperator.Factory> partial, RowSchema schema)
            implements Stage {
        TaskStage {
            pipelines = List.copyOf(pipelines);
            requireNonNull(partial, "partial is null");
            requireNonNull(schema, "schema is null");
        }

        @Override
        public ChangelogMode changelogMode() {
            return ChangelogMode.APPEND;
        }

        String describe() {
            List<String> chains = new ArrayList<>();
            for (TaskPipeline p : pipelines) {
                List<String> steps = new ArrayList<>();
                steps.add("Scan " + p.scan().table().name());
                p.operators().forEach(o -> steps.add(o.name()));
                chains.add(String.join(" -> ", steps));
            }
            String all = chains.size() == 1 ? chains.get(0) : "(" + String.join(") + (", chains) + ")";
            return "Tasks, one per partition (stateless): " + all + partial.map(p -> " -> HashAggregate (partial)")
                    .orElse("");
        }
    }

    /** A batch-level operator over the changes of its inputs; {@code id} names its state in the checkpoint. */
    record OperatorStage(String id, StreamOperator.Factory factory, List<Stage> inputs) implements Stage {
        OperatorStage {
            requireNonNull(id, "id is null");
            requireNonNull(factory, "factory is null");
            inputs = List.copyOf(inputs);
        }

        @Override
        public RowSchema schema() {
            return factory.outputSchema();
        }

        @Override
        public ChangelogMode changelogMode() {
            return factory.changelogMode();
        }

        Optional<StateSpec> state() {
            return factory.state(id);
        }
    }

    private final Stage root;
    private final List<LookupSide> lookups;
    private final Set<String> staticTables;
    private final OutputMode mode;
    private final Optional<LimitNode> limit;
    private final RowSchema outputSchema;

    private IncrementalPlan(Stage root, List<LookupSide> lookups, Set<String> staticTables, OutputMode mode,
                            Optional<LimitNode> limit, RowSchema outputSchema) {
        this.root = root;
        this.lookups = List.copyOf(lookups);
        this.staticTables = Set.copyOf(staticTables);
        this.mode = mode;
        this.limit = limit;
        this.outputSchema = outputSchema;
    }

    /**
     * The incremental plan of {@code plan}, whose result is emitted in {@code mode}.
     *
     * @throws IllegalArgumentException naming the operator that can't run incrementally (yet), and why
     */
    public static IncrementalPlan of(PhysicalNode plan, OutputMode mode) {
        return of(plan, mode, false);
    }

    /**
     * The plan of a bounded query: one batch over all its input, so every aggregate emits all its groups,
     * final, at the end of that batch.
     *
     * @throws IllegalArgumentException naming the operator that can't run (yet), and why
     */
    public static IncrementalPlan bounded(PhysicalNode plan) {
        return of(plan, OutputMode.COMPLETE, true);
    }

    private static IncrementalPlan of(PhysicalNode plan, OutputMode mode, boolean bounded) {
        requireNonNull(mode, "mode is null");
        Optional<LimitNode> limit = Optional.empty();
        PhysicalNode node = plan;
        if (node instanceof LimitNode l) {
            limit = Optional.of(l);
            node = l.input();
        }
        Compiler compiler = new Compiler(mode, bounded);
        Stage root = compiler.stage(node, true);
        return new IncrementalPlan(root, compiler.lookups, compiler.staticTables, mode, limit, plan.schema());
    }

    Stage root() {
        return root;
    }

    List<LookupSide> lookups() {
        return lookups;
    }

    OutputMode mode() {
        return mode;
    }

    Optional<LimitNode> limit() {
        return limit;
    }

    RowSchema outputSchema() {
        return outputSchema;
    }

    /** The kind of changes the query's result has: inserts only, upserts by key, or deletes too. */
    public ChangelogMode resultChangelogMode() {
        return root.changelogMode();
    }

    /** The keyed state of each stateful operator, bottom-up. */
    public List<StateSpec> states() {
        List<StateSpec> states = new ArrayList<>();
        collectStates(root, states);
        return states;
    }

    private static void collectStates(Stage stage, List<StateSpec> out) {
        if (stage instanceof OperatorStage op) {
            op.inputs().forEach(i -> collectStates(i, out));
            op.state().ifPresent(out::add);
        }
    }

    /** The task stages, in the order of the tree (left before right). */
    List<TaskStage> taskStages() {
        List<TaskStage> stages = new ArrayList<>();
        collectTaskStages(root, stages);
        return stages;
    }

    private static void collectTaskStages(Stage stage, List<TaskStage> out) {
        if (stage instanceof TaskStage t) {
            out.add(t);
        } else {
            ((OperatorStage) stage).inputs().forEach(i -> collectTaskStages(i, out));
        }
    }

    /**
     * Whether the watermark alone, without new rows, changes what the plan emits or keeps (an operator closes
     * windows or evicts state by it): then a batch without new input runs when the watermark moves.
     */
    boolean usesWatermark() {
        return usesWatermark(root);
    }

    private static boolean usesWatermark(Stage stage) {
        return stage instanceof OperatorStage op
                && (op.factory().usesWatermark() || op.inputs().stream().anyMatch(IncrementalPlan::usesWatermark));
    }

    /**
     * Whether rows behind the watermark are dropped (and counted late): when an operator works by event time
     * (a window, an interval join); a Top-N or a plain GROUP BY takes every row, however late.
     */
    boolean dropsLateRows() {
        return usesWatermark();
    }

    /** The names of the tables read whole each batch, as the static side of a lookup join. */
    Set<String> lookupTables() {
        Set<String> names = new TreeSet<>(staticTables);
        lookups.forEach(l -> l.pipelines().forEach(p -> names.add(p.scan().table().name())));
        return names;
    }

    /**
     * Whether the result is the tasks' rows as they come: one stage of tasks, no operator above it, no partial
     * aggregate, no LIMIT, not a complete result nor one that retracts rows it emitted. Then the tasks can hand their rows to a sink that
     * writes them as they come, and a batch holds only the rows in flight.
     */
    boolean streamsRows() {
        return root instanceof TaskStage t && t.partial().isEmpty() && limit.isEmpty() && mode != OutputMode.COMPLETE
                && resultChangelogMode().kind() != ChangelogMode.Kind.RETRACT;
    }

    /** Rows a task needs to produce at most: with a LIMIT over rows (not groups), OFFSET + FETCH; else unlimited. */
    long rowsPerTask() {
        if (!(root instanceof TaskStage t) || t.partial().isPresent()) {
            return Long.MAX_VALUE;
        }
        return limit.map(l -> l.fetch() == Long.MAX_VALUE ? Long.MAX_VALUE : l.offset() + l.fetch())
                .orElse(Long.MAX_VALUE);
    }

    /**
     * The tree as EXPLAIN shows it, top-down, indented: each operator with the changes it emits, its state
     * (under {@code checkpoint}) and how its watermark relates to its inputs'.
     */
    public String explain(String checkpoint) {
        StringBuilder sb = new StringBuilder();
        explain(root, 1, checkpoint, sb);
        if (!lookups.isEmpty()) {
            sb.append("  (static tables read whole each batch for lookup joins: ").append(lookupTables()).append(")\n");
        }
        return sb.toString();
    }

    private static void explain(Stage stage, int depth, String checkpoint, StringBuilder sb) {
        String indent = "  ".repeat(depth);
        if (stage instanceof TaskStage t) {
            sb.append(indent).append(t.describe()).append(" [changes: append]\n");
            return;
        }
        OperatorStage op = (OperatorStage) stage;
        sb.append(indent).append(op.factory().describe()).append(" [changes: ").append(op.changelogMode());
        op.state().ifPresent(s -> sb.append("; state: ").append(checkpoint).append("/state/").append(s.operatorId())
                .append(" keyed by ").append(s.keySchema().names()));
        if (op.factory().watermarkDelayMillis() > 0) {
            sb.append("; watermark: its inputs' minus ").append(op.factory().watermarkDelayMillis()).append(" ms");
        }
        sb.append("]\n");
        op.inputs().forEach(i -> explain(i, depth + 1, checkpoint, sb));
    }

    /** Builds the tree bottom-up, numbering the stateful operators of each kind for their state's id. */
    private static final class Compiler {
        private final OutputMode mode;
        private final boolean bounded;
        /**
         * Whether an operator above the node being compiled works by event time (a window, an interval join, an
         * OVER aggregation) and so needs its input's watermark; a GROUP BY or Top-N in between does not.
         */
        private boolean eventTimeAbove;
        /**
         * Whether a filter stands above the node being compiled with no stateful operator in between (a HAVING
         * over a top aggregate): an update-mode aggregate then emits retractions for it.
         */
        private boolean filteredAbove;
        /** Whether the node being compiled is the versioned side of a temporal join (its upserts read as they are). */
        private boolean upsertsAsRead;
        private final List<LookupSide> lookups = new ArrayList<>();
        /** Tables read whole each batch by a batch-level join (besides the lookups). */
        private final Set<String> staticTables = new TreeSet<>();
        private final Map<String, Integer> kinds = new HashMap<>();

        Compiler(OutputMode mode, boolean bounded) {
            this.mode = mode;
            this.bounded = bounded;
        }

        /**
         * The stage computing {@code node}; {@code top} when no stateful operator is above it, so that its
         * output is the query's and emitted in the query's output mode.
         */
        Stage stage(PhysicalNode node, boolean top) {
            if (runsInTasks(node)) {
                List<TaskPipeline> pipelines = new ArrayList<>();
                compile(node, List.of(), pipelines);
                return new TaskStage(pipelines, Optional.empty(), node.schema());
            }
            if (node instanceof ScanNode scan) {
                // A table of upserts (runsInTasks said so): as its changes, or as upserts to an operator keeping
                // the latest row per key itself.
                return upsertsAsRead ? upsertScan(scan) : normalize(scan);
            }
            if (node instanceof AggregateNode agg && agg.window().map(AggregateNode.Window::session).orElse(false)) {
                Stage input = appendOnly(eventTimeInput(agg.input(), true), "A SESSION window aggregation");
                AggregateNode.Window w = agg.window().get();
                return operator(new SessionAggregateOperator.Factory(agg.input().schema(), agg.groupKeys(), w.key(),
                        w.millis(), agg.calls(), agg.schema(), outputMode(agg, top), bounded), input);
            }
            if (node instanceof AggregateNode agg) {
                OutputMode emit = outputMode(agg, top);
                boolean partialInput = runsInTasks(agg.input());
                Stage input = partialInput ? null : eventTimeInput(agg.input(), agg.window().isPresent());
                boolean retracting = !partialInput && !input.changelogMode().isAppendOnly();
                // Below another stateful operator, a GROUP BY without a window emits retractions; so does one at
                // the top in update mode whose input retracts, as its groups can then vanish (the sink must take
                // changes); and one at the top in update mode under a filter (HAVING): a group that stops passing
                // it must be deleted, which the filter can only do when it sees the group's previous row taken
                // back (Flink's Calc with a condition likewise asks its input for update-before rows).
                boolean filtered = top && filteredAbove && emit == OutputMode.UPDATE;
                boolean retract = !bounded && ((agg.window().isEmpty()
                        && (!top || (retracting && emit == OutputMode.UPDATE))) || filtered);
                if (retracting) {
                    retractingInput(agg, input);
                }
                // The merge step runs as update; what append emits (closed windows only) is decided after it.
                HashAggregateOperator.Factory aggregate = new HashAggregateOperator.Factory(agg.input().schema(),
                        agg.groupKeys(), agg.calls(), emit == OutputMode.APPEND ? OutputMode.UPDATE : emit, agg.window(),
                        retracting);
                if (partialInput) {
                    List<TaskPipeline> pipelines = new ArrayList<>();
                    compile(agg.input(), List.of(), pipelines);
                    input = new TaskStage(pipelines, Optional.of(aggregate), agg.input().schema());
                }
                return operator(new AggregateOperator.Factory(aggregate, emit, agg.window(), partialInput, bounded,
                        retract, agg.describe()), input);
            }
            if (node instanceof StreamJoinNode join) {
                return join(join, top);
            }
            if (node instanceof TemporalJoinNode join) {
                Stage stream = appendOnly(stage(join.stream(), false), "A temporal join");
                // The join keeps the versioned table's latest row per key itself: its upserts are read as they are,
                // a tombstone deleting its key.
                boolean saved = upsertsAsRead;
                upsertsAsRead = true;
                Stage versioned;
                try {
                    versioned = stage(join.versioned(), false);
                } finally {
                    upsertsAsRead = saved;
                }
                if (versioned.changelogMode().kind() == ChangelogMode.Kind.RETRACT) {
                    appendOnly(versioned, "A temporal join");
                }
                return operator(new TemporalJoinOperator.Factory(join.stream().schema(), join.versioned().schema(),
                        join.streamKeys(), join.versionedKeys(), join.primaryKey(), join.outer(), join.schema()),
                        stream, versioned);
            }
            if (node instanceof TopNNode topN) {
                Stage input = appendOnly(stage(topN.input(), false), "A Top-N (" + topN.function() + ")");
                return operator(new TopNOperator.Factory(topN.input().schema(), topN.partition(), topN.order(),
                        topN.function(), topN.limit(), topN.windowed() || bounded, topN.schema(), topN.describe()),
                        input);
            }
            if (node instanceof WindowTopNNode topN) {
                Stage input = appendOnly(eventTimeInput(topN.input(), !topN.processingTime()), "A window Top-N");
                return operator(new WindowTopNOperator.Factory(topN), input);
            }
            if (node instanceof OverAggregateNode over) {
                Stage input = appendOnly(eventTimeInput(over.input(), true), "An OVER aggregation");
                return operator(new OverAggregateOperator.Factory(over.input().schema(), over.partition(),
                        over.orderColumn(), over.rows(), over.preceding(), over.calls(), over.schema(), bounded,
                        over.describe()), input);
            }
            if (node instanceof SortNode sort) {
                if (!bounded) {
                    throw new IllegalArgumentException("ORDER BY is only supported on bounded queries (SELECT without "
                            + "STREAM): a stream has no last row to sort up to; rank rows within groups with "
                            + "ROW_NUMBER() OVER (PARTITION BY ... ORDER BY ...) instead");
                }
                Stage input = stage(sort.input(), top);
                return operator(new SortOperator.Factory(sort.schema(), sort.keys(), sort.offset(), sort.fetch(),
                        sort.describe()), input);
            }
            if (node instanceof FilterProjectNode fp) {
                boolean saved = filteredAbove;
                filteredAbove = saved || (top && fp.filter().isPresent() && !keepsPassing(fp));
                Stage input;
                try {
                    input = stage(fp.input(), top);
                } finally {
                    filteredAbove = saved;
                }
                return operator(new ChangelogFilterProjectOperator.Factory(factory(fp), input.schema().size(),
                        input.changelogMode(), fp.describe()), input);
            }
            if (node instanceof UnionAllNode union) {
                List<Stage> inputs = new ArrayList<>();
                for (PhysicalNode input : union.inputs()) {
                    inputs.add(stage(input, top));
                }
                return operator(new UnionOperator.Factory(union.schema(),
                        inputs.stream().map(Stage::changelogMode).toList()), inputs.toArray(Stage[]::new));
            }
            if (node instanceof LookupJoinNode join) {
                // The stream side comes out of a stateful operator: the table is read whole each batch (a bounded
                // query's only batch: any side) into a batch-level hash join.
                if (!bounded && !isStateless(join.lookup())) {
                    throw new IllegalArgumentException("A join with a static table needs that table read as is, not "
                            + "through a GROUP BY or a join");
                }
                if (join.type() == JoinType.SEMI || join.type() == JoinType.ANTI || !join.lookupPrimaryKey().isEmpty()) {
                    throw new IllegalArgumentException("A " + join.type().sql() + " with a table read whole each batch "
                            + (join.lookupPrimaryKey().isEmpty() ? "" : "as its latest row per key ")
                            + "over the output of a GROUP BY or a join is not supported yet");
                }
                Stage build = appendOnly(stage(join.lookup(), false), "A join");
                Stage probe = appendOnly(stage(join.stream(), false), "A join");
                collectTables(join.lookup(), staticTables);
                return operator(new HashJoinOperator.Factory(join.streamKeys(), join.lookupKeys(),
                        join.lookup().schema().size(), join.outer(), join.schema(), join.describe()), build, probe);
            }
            if (node instanceof LimitNode) {
                throw new IllegalArgumentException("LIMIT is only supported at the top of a query");
            }
            throw new IllegalArgumentException("Unsupported plan node " + node.describe());
        }

        private Stage join(StreamJoinNode join, boolean top) {
            String what = (join.type() == JoinType.INNER ? "A join"
                    : "A " + join.type().sql()) + " of two streams";
            if (eventTimeAbove && !bounded && (join.bound().isEmpty() || join.bound().get().isColumnBound())) {
                // Its pairs come in no event-time order an operator above could close windows by.
                throw new IllegalArgumentException(what + " " + join.keyNames() + " kept by "
                        + (join.bound().isEmpty() ? "a state TTL" : "a bound on a column of its rows ("
                        + join.bound().get().describe(join.left(), join.right()) + ")")
                        + " can't be below a window, an interval join or an OVER aggregation yet: its output has no "
                        + "watermark; bound it by the two sides' event times (a.ts BETWEEN b.ts - INTERVAL ... AND b.ts)");
            }
            boolean byEventTime = join.bound().isPresent() && !join.bound().get().isColumnBound();
            Stage left = appendOnly(eventTimeInput(join.left(), byEventTime), what);
            Stage right = appendOnly(eventTimeInput(join.right(), byEventTime), what);
            return operator(new StreamJoinOperator.Factory(join.type(), join.left().schema(), join.right().schema(),
                    join.leftKeys(), join.rightKeys(), join.bound(), join.ttlMillis(), bounded || join.bounded(),
                    join.schema()), left, right);
        }

        /** The stage of {@code input}, noting whether the operator above it works by event time. */
        private Stage eventTimeInput(PhysicalNode input, boolean byEventTime) {
            boolean saved = eventTimeAbove;
            eventTimeAbove = saved || byEventTime;
            try {
                return stage(input, false);
            } finally {
                eventTimeAbove = saved;
            }
        }

        /**
         * An aggregate at the top emits in the query's mode; below another stateful operator, a window aggregate
         * emits each window once and for all (when the watermark closes it), and a GROUP BY without a window
         * emits each change of its groups as retractions (update mode, made a retract changelog).
         */
        private OutputMode outputMode(AggregateNode agg, boolean top) {
            if (bounded) {
                return OutputMode.COMPLETE;  // one batch: every group, final
            }
            if (top) {
                return mode;
            }
            return agg.window().isEmpty() ? OutputMode.UPDATE : OutputMode.APPEND;
        }

        /**
         * Whether a group that passes the filter of {@code fp}, right above an aggregate, passes it for good as the
         * aggregate's values change with new rows: every conjunct compares only group keys (fixed per group), or a
         * COUNT or MAX to be greater than a constant (they only grow as rows are inserted), or a MIN to be less
         * (INTERSECT's filter on its per-side counts is so). Then the filter never has to delete a group it let
         * through, and the aggregate needs no retractions for it. An aggregate over rows that retract is made to
         * emit retractions anyway.
         */
        private static boolean keepsPassing(FilterProjectNode fp) {
            return fp.input() instanceof AggregateNode agg && fp.filter().isPresent()
                    && keepsPassing(fp.filter().get(), agg);
        }

        private static boolean keepsPassing(PhysicalExpr condition, AggregateNode agg) {
            int keys = agg.groupKeys().size();
            if (InputColumns.referencedBy(List.of(condition), agg.schema().size()).nextSetBit(keys) < 0) {
                return true;  // group keys only
            }
            if (condition instanceof And and) {
                return and.operands().stream().allMatch(c -> keepsPassing(c, agg));
            }
            if (condition instanceof Or or) {
                return or.operands().stream().allMatch(c -> keepsPassing(c, agg));
            }
            if (!(condition instanceof Comparison c)) {
                return false;
            }
            boolean aggregateLeft = c.left() instanceof ColumnRef && c.right() instanceof Literal;
            boolean aggregateRight = c.right() instanceof ColumnRef && c.left() instanceof Literal;
            if (!aggregateLeft && !aggregateRight) {
                return false;
            }
            int column = ((ColumnRef) (aggregateLeft ? c.left() : c.right())).index();
            if (column < keys) {
                return true;
            }
            String function = agg.calls().get(column - keys).function().sqlName();
            boolean greater = switch (c.operator()) {
                case GREATER_THAN, GREATER_THAN_OR_EQUAL -> aggregateLeft;
                case LESS_THAN, LESS_THAN_OR_EQUAL -> aggregateRight;
                default -> false;  // an equality can stop holding
            };
            boolean less = switch (c.operator()) {
                case LESS_THAN, LESS_THAN_OR_EQUAL -> aggregateLeft;
                case GREATER_THAN, GREATER_THAN_OR_EQUAL -> aggregateRight;
                default -> false;
            };
            return greater && (function.equals("COUNT") || function.equals("MAX")) || less && function.equals("MIN");
        }

        /** Checks that {@code agg} can take the deleted rows of {@code input}, naming what can't. */
        private static void retractingInput(AggregateNode agg, Stage input) {
            if (input.changelogMode().kind() != ChangelogMode.Kind.RETRACT) {
                throw new IllegalArgumentException("A GROUP BY " + groupNames(agg) + " over rows that are updated by "
                        + "key (" + input.changelogMode() + ") is not supported yet");
            }
            if (agg.window().isPresent()) {
                String what = "A window aggregation (GROUP BY " + groupNames(agg) + ")";
                refuseUpserts(input, what);
                throw new IllegalArgumentException(what + " over rows that are updated (the output of a GROUP BY "
                        + "without a window) is not supported yet: group by the window in the GROUP BY below it too");
            }
        }

        private static List<String> groupNames(AggregateNode agg) {
            return agg.groupKeys().stream().map(k -> agg.input().schema().column(k).name()).toList();
        }

        /** Refuses {@code input} when it updates rows because it reads a table of upserts, naming the table. */
        private static void refuseUpserts(Stage input, String what) {
            Set<String> upserts = new TreeSet<>();
            upsertTables(input, upserts);
            if (!input.changelogMode().isAppendOnly() && !upserts.isEmpty()) {
                throw new IllegalArgumentException(what + " over rows that are updated (" + input.changelogMode()
                        + ": table " + String.join(", ", upserts) + " has a PRIMARY KEY, so it is read as its latest "
                        + "row per key, a row replaced or deleted by later records) is not supported yet; a "
                        + "GROUP BY, a filter or a projection over it, a temporal join with it as the versioned "
                        + "side, or a bounded query are");
            }
        }

        private static Stage appendOnly(Stage input, String what) {
            refuseUpserts(input, what);
            if (!input.changelogMode().isAppendOnly()) {
                throw new IllegalArgumentException(what + " over rows that are updated (" + input.changelogMode()
                        + ": the output of a GROUP BY without a window) is not supported yet: put an event-time "
                        + "window on the GROUP BY below it");
            }
            return input;
        }

        /** The tables read as their latest row per key by a normalize step in {@code stage}'s tree. */
        private static void upsertTables(Stage stage, Set<String> out) {
            if (stage instanceof OperatorStage op) {
                if (op.factory() instanceof ChangelogNormalizeOperator.Factory normalize) {
                    out.add(normalize.table());
                }
                op.inputs().forEach(i -> upsertTables(i, out));
            }
        }

        private OperatorStage operator(StreamOperator.Factory factory, Stage... inputs) {
            String kind = factory.kind();
            int n = kinds.merge(kind, 1, Integer::sum);
            // The first of a kind keeps the plain name that single-operator checkpoints have always used.
            String id = n == 1 ? kind : kind + "-" + n;
            return new OperatorStage(id, factory, List.of(inputs));
        }

        private static void collectTables(PhysicalNode node, Set<String> out) {
            if (node instanceof ScanNode scan) {
                out.add(scan.table().name());
            }
            node.inputs().forEach(i -> collectTables(i, out));
        }

        /**
         * Whether {@code node} runs in the per-partition tasks: it is stateless and reads no table of upserts (a
         * table with a primary key), whose scan has an operator above it: a normalize step, or an upsert scan
         * under an operator that keeps the latest row per key itself (a temporal join's versioned side).
         */
        private boolean runsInTasks(PhysicalNode node) {
            return isStateless(node) && !readsUpserts(node);
        }

        /** Whether {@code node} reads a table of upserts other than as the static side of a lookup join. */
        private static boolean readsUpserts(PhysicalNode node) {
            if (node instanceof ScanNode scan) {
                return !scan.table().primaryKey().isEmpty();
            }
            if (node instanceof LookupJoinNode join) {
                return readsUpserts(join.stream());  // the static side is read whole, its latest row per key
            }
            return node.inputs().stream().anyMatch(Compiler::readsUpserts);
        }

        /**
         * The scan of a table of upserts, read as its latest row per key: the scan (with the key's columns and the
         * source's {@link StreamSource#DELETED_COLUMN}) in the tasks, then a {@link ChangelogNormalizeOperator}
         * emitting the table's changes as retractions, in the scan's columns.
         */
        private Stage normalize(ScanNode scan) {
            List<Column> columns = new ArrayList<>(scan.schema().columns());
            List<Integer> key = new ArrayList<>();
            for (String k : scan.table().primaryKey()) {
                int index = scan.schema().indexOf(k);
                if (index < 0) {
                    columns.add(scan.table().schema().find(k).orElseThrow());
                    index = columns.size() - 1;
                }
                key.add(index);
            }
            columns.add(new Column(StreamSource.DELETED_COLUMN, ColumnType.BOOLEAN, false));
            ScanNode read = new ScanNode(scan.table(), new RowSchema(columns));
            TaskStage records = new TaskStage(List.of(new TaskPipeline(read, List.of())), Optional.empty(),
                    read.schema());
            return operator(new ChangelogNormalizeOperator.Factory(scan.table().name(), read.schema(), key,
                    scan.schema().size(), bounded), records);
        }

        /**
         * The scan of a table of upserts for an operator that keeps the latest row per key itself: the scan (with
         * the source's {@link StreamSource#DELETED_COLUMN}) in the tasks, then an {@link UpsertScanOperator}
         * emitting rows as upserts and tombstones as deletes of their key.
         */
        private Stage upsertScan(ScanNode scan) {
            List<Integer> key = new ArrayList<>();
            for (String k : scan.table().primaryKey()) {
                int index = scan.schema().indexOf(k);
                if (index < 0) {
                    throw new IllegalArgumentException("Table " + scan.table().name() + " is read as its latest row per "
                            + "key " + scan.table().primaryKey() + ", which needs the key's columns");
                }
                key.add(index);
            }
            List<Column> columns = new ArrayList<>(scan.schema().columns());
            columns.add(new Column(StreamSource.DELETED_COLUMN, ColumnType.BOOLEAN, false));
            ScanNode read = new ScanNode(scan.table(), new RowSchema(columns));
            TaskStage records = new TaskStage(List.of(new TaskPipeline(read, List.of())), Optional.empty(),
                    read.schema());
            return operator(new UpsertScanOperator.Factory(scan.table().name(), read.schema(), key), records);
        }

        private static boolean isStateless(PhysicalNode node) {
            if (node instanceof AggregateNode || node instanceof StreamJoinNode || node instanceof TemporalJoinNode
                    || node instanceof LimitNode
                    || node instanceof SortNode || node instanceof TopNNode || node instanceof OverAggregateNode
                    || node instanceof WindowTopNNode) {
                return false;
            }
            return node.inputs().stream().allMatch(Compiler::isStateless);
        }

        private void compile(PhysicalNode node, List<OperatorStep> above, List<TaskPipeline> out) {
            if (node instanceof ScanNode scan) {
                out.add(new TaskPipeline(scan, above));
            } else if (node instanceof FilterProjectNode fp) {
                List<OperatorStep> chain = new ArrayList<>();
                chain.add(OperatorStep.of(factory(fp)));
                chain.addAll(above);
                compile(fp.input(), chain, out);
            } else if (node instanceof CumulateWindowNode cumulate) {
                List<OperatorStep> chain = new ArrayList<>();
                chain.add(new OperatorStep("CumulateWindows", (allocator, lookups) ->
                        new CumulateWindowOperator(cumulate, allocator)));
                chain.addAll(above);
                compile(cumulate.input(), chain, out);
            } else if (node instanceof UnionAllNode union) {
                // Stateless operators above a UNION ALL run in every branch: a task runs its whole chain alone.
                for (PhysicalNode input : union.inputs()) {
                    compile(input, above, out);
                }
            } else if (node instanceof LookupJoinNode join) {
                // The static side first: lookups it needs itself are then built before it.
                List<TaskPipeline> staticSide = new ArrayList<>();
                compile(join.lookup(), List.of(), staticSide);
                int id = lookups.size();
                lookups.add(new LookupSide(id, staticSide, join.lookupKeys(), join.lookup().schema().size(),
                        join.lookupPrimaryKey()));
                List<OperatorStep> chain = new ArrayList<>();
                chain.add(OperatorStep.lookupJoin(new LookupJoinOperator.Factory(join.streamKeys(), join.type(),
                        join.schema()), id));
                chain.addAll(above);
                compile(join.stream(), chain, out);
            } else {
                throw new IllegalArgumentException("Unsupported plan node in a task: " + node.describe());
            }
        }

        private static FilterProjectOperator.Factory factory(FilterProjectNode fp) {
            return new FilterProjectOperator.Factory(fp.filter(), fp.projections(), fp.schema());
        }
    }
}
