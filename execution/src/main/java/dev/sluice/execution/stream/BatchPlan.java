package dev.sluice.execution.stream;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.aggregate.OutputMode;
import dev.sluice.execution.operator.FilterProjectOperator;
import dev.sluice.execution.operator.HashAggregateOperator;
import dev.sluice.execution.operator.LookupJoinOperator;
import dev.sluice.execution.operator.SessionAggregateOperator;
import dev.sluice.execution.operator.StreamJoinOperator;
import dev.sluice.execution.plan.AggregateNode;
import dev.sluice.execution.plan.FilterProjectNode;
import dev.sluice.execution.plan.LimitNode;
import dev.sluice.execution.plan.LookupJoinNode;
import dev.sluice.execution.plan.PhysicalNode;
import dev.sluice.execution.plan.ScanNode;
import dev.sluice.execution.plan.StreamJoinNode;
import dev.sluice.execution.plan.UnionAllNode;
import dev.sluice.execution.type.RowSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A physical plan cut into what runs inside the per-partition tasks ({@link TaskPipeline}s, ending with
 * a partial aggregation when there is a GROUP BY) and what runs once per batch over all their output
 * (the final aggregation into the state, the operators above it, LIMIT). Built once per query.
 *
 * <p>Stateless operators above a UNION ALL are pushed into every branch, so a task always runs its whole
 * chain without waiting for other partitions.
 */
record BatchPlan(List<TaskPipeline> pipelines, List<LookupSide> lookups,
                 Optional<HashAggregateOperator.Factory> aggregate, Optional<StreamJoin> streamJoin,
                 Optional<SessionAggregate> sessionAggregate,
                 Optional<AggregateNode.Window> window, OutputMode mode,
                 List<FilterProjectOperator.Factory> afterAggregate, Optional<LimitNode> limit, RowSchema outputSchema) {
    BatchPlan {
        pipelines = List.copyOf(pipelines);
        lookups = List.copyOf(lookups);
        requireNonNull(streamJoin, "streamJoin is null");
        requireNonNull(sessionAggregate, "sessionAggregate is null");
        requireNonNull(aggregate, "aggregate is null");
        requireNonNull(window, "window is null");
        requireNonNull(mode, "mode is null");
        afterAggregate = List.copyOf(afterAggregate);
        requireNonNull(limit, "limit is null");
        requireNonNull(outputSchema, "outputSchema is null");
    }

    /**
     * A stream-stream join at the batch level: the first {@code leftPipelines} pipelines bring the left side's
     * new rows, the others the right side's; {@code afterJoin} runs on the joined rows.
     */
    record StreamJoin(int leftPipelines, StreamJoinOperator.Factory factory, RowSchema joinedSchema,
                      List<FilterProjectOperator.Factory> afterJoin) {
        StreamJoin {
            requireNonNull(factory, "factory is null");
            requireNonNull(joinedSchema, "joinedSchema is null");
            afterJoin = List.copyOf(afterJoin);
        }
    }

    /** A GROUP BY over SESSION windows, at the batch level; {@code afterAggregate} runs on its rows. */
    record SessionAggregate(SessionAggregateOperator.Factory factory,
                            List<FilterProjectOperator.Factory> afterAggregate) {
        SessionAggregate {
            requireNonNull(factory, "factory is null");
            afterAggregate = List.copyOf(afterAggregate);
        }
    }

    /** The keyed state the plan keeps between batches, if any: operator id, key and value schemas. */
    Optional<StateSpec> state() {
        if (aggregate.isPresent()) {
            return Optional.of(new StateSpec("aggregate", aggregate.get().keySchema(),
                    aggregate.get().stateValueSchema()));
        }
        if (sessionAggregate.isPresent()) {
            SessionAggregateOperator.Factory f = sessionAggregate.get().factory();
            return Optional.of(new StateSpec("session", f.keySchema(), f.valueSchema()));
        }
        return streamJoin.map(j -> new StateSpec("join", StreamJoinOperator.STATE_KEY_SCHEMA,
                j.factory().stateValueSchema()));
    }

    /** Whether rows behind the watermark are dropped (and counted late): in stateful plans. */
    boolean dropsLateRows() {
        return aggregate.isPresent() || streamJoin.isPresent() || sessionAggregate.isPresent();
    }

    /**
     * Whether the watermark alone, without new rows, changes what the plan emits or keeps: windows and
     * sessions close (append emits them; update and append evict them), a stream join evicts the rows no
     * later row can match. Then a batch without new input runs when the watermark moves.
     */
    boolean usesWatermark() {
        boolean closesWindows = (aggregate.isPresent() && window.isPresent()) || sessionAggregate.isPresent();
        return (closesWindows && mode != OutputMode.COMPLETE) || streamJoin.isPresent();
    }

    static BatchPlan of(PhysicalNode root, OutputMode mode) {
        Optional<LimitNode> limit = Optional.empty();
        PhysicalNode node = root;
        if (node instanceof LimitNode l) {
            limit = Optional.of(l);
            node = l.input();
        }
        // Operators above an aggregation run on its merged output, once per batch.
        List<FilterProjectOperator.Factory> above = new ArrayList<>();
        PhysicalNode below = node;
        while (below instanceof FilterProjectNode fp) {
            above.add(0, factory(fp));
            below = fp.input();
        }
        List<TaskPipeline> pipelines = new ArrayList<>();
        List<LookupSide> lookups = new ArrayList<>();
        if (below instanceof StreamJoinNode join) {
            compile(join.left(), List.of(), pipelines, lookups);
            int leftPipelines = pipelines.size();
            compile(join.right(), List.of(), pipelines, lookups);
            StreamJoinOperator.Factory factory = new StreamJoinOperator.Factory(join.left().schema(),
                    join.right().schema(), join.leftKeys(), join.rightKeys(), join.leftTime(), join.rightTime(),
                    join.lowerMillis(), join.upperMillis());
            return new BatchPlan(pipelines, lookups, Optional.empty(),
                    Optional.of(new StreamJoin(leftPipelines, factory, join.schema(), above)), Optional.empty(),
                    Optional.empty(), mode, List.of(), limit, root.schema());
        }
        if (below instanceof AggregateNode agg && agg.window().map(AggregateNode.Window::session).orElse(false)) {
            compile(agg.input(), List.of(), pipelines, lookups);
            AggregateNode.Window w = agg.window().get();
            SessionAggregateOperator.Factory factory = new SessionAggregateOperator.Factory(agg.input().schema(),
                    agg.groupKeys(), w.key(), w.millis(), agg.calls(), agg.schema());
            return new BatchPlan(pipelines, lookups, Optional.empty(), Optional.empty(),
                    Optional.of(new SessionAggregate(factory, above)), agg.window(), mode, List.of(), limit,
                    root.schema());
        }
        if (below instanceof AggregateNode agg) {
            compile(agg.input(), List.of(), pipelines, lookups);
            // Append merges like update; what it emits (closed windows only) is decided after the merge.
            HashAggregateOperator.Factory aggregate = new HashAggregateOperator.Factory(agg.input().schema(),
                    agg.groupKeys(), agg.calls(), mode == OutputMode.APPEND ? OutputMode.UPDATE : mode, agg.window());
            return new BatchPlan(pipelines, lookups, Optional.of(aggregate), Optional.empty(), Optional.empty(),
                    agg.window(), mode, above, limit, root.schema());
        }
        compile(node, List.of(), pipelines, lookups);
        return new BatchPlan(pipelines, lookups, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), mode, List.of(), limit, root.schema());
    }

    /** The names of the tables read whole each batch, as the static side of a lookup join. */
    java.util.Set<String> lookupTables() {
        java.util.Set<String> names = new java.util.TreeSet<>();
        lookups.forEach(l -> l.pipelines().forEach(p -> names.add(p.scan().table().name())));
        return names;
    }

    /** Rows a task needs to produce at most: with a LIMIT over rows (not groups), OFFSET + FETCH; else unlimited. */
    long rowsPerTask() {
        if (aggregate.isPresent() || streamJoin.isPresent() || sessionAggregate.isPresent()) {
            return Long.MAX_VALUE;
        }
        return limit.map(l -> l.fetch() == Long.MAX_VALUE ? Long.MAX_VALUE : l.offset() + l.fetch())
                .orElse(Long.MAX_VALUE);
    }

    private static FilterProjectOperator.Factory factory(FilterProjectNode fp) {
        return new FilterProjectOperator.Factory(fp.filter(), fp.projections(), fp.schema());
    }

    private static void compile(PhysicalNode node, List<OperatorStep> above, List<TaskPipeline> out,
                                List<LookupSide> lookups) {
        if (node instanceof ScanNode scan) {
            out.add(new TaskPipeline(scan, above));
        } else if (node instanceof FilterProjectNode fp) {
            List<OperatorStep> chain = new ArrayList<>();
            chain.add(OperatorStep.of(factory(fp)));
            chain.addAll(above);
            compile(fp.input(), chain, out, lookups);
        } else if (node instanceof UnionAllNode union) {
            for (PhysicalNode input : union.inputs()) {
                compile(input, above, out, lookups);
            }
        } else if (node instanceof LookupJoinNode join) {
            // The static side first: lookups it needs itself are then built before it.
            List<TaskPipeline> staticSide = new ArrayList<>();
            compile(join.lookup(), List.of(), staticSide, lookups);
            int id = lookups.size();
            lookups.add(new LookupSide(id, staticSide, join.lookupKeys(), join.lookup().schema().size()));
            List<OperatorStep> chain = new ArrayList<>();
            chain.add(OperatorStep.lookupJoin(new LookupJoinOperator.Factory(join.streamKeys(), join.outer(),
                    join.schema()), id));
            chain.addAll(above);
            compile(join.stream(), chain, out, lookups);
        } else if (node instanceof LimitNode) {
            throw new IllegalArgumentException("LIMIT is only supported at the top of a query");
        } else if (node instanceof StreamJoinNode) {
            throw new IllegalArgumentException("A join of two streams is only supported at the top of a query "
                    + "(under projections and filters), not below a GROUP BY or another join yet");
        } else if (node instanceof AggregateNode) {
            throw new IllegalArgumentException("Only one GROUP BY per query is supported yet (found one below another "
                    + "operator than a projection, filter or join)");
        } else {
            throw new IllegalArgumentException("Unsupported plan node " + node.describe());
        }
    }
}
