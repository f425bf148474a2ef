package dev.sluice.execution.stream;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.operator.FilterProjectOperator;
import dev.sluice.execution.plan.FilterProjectNode;
import dev.sluice.execution.plan.LimitNode;
import dev.sluice.execution.plan.PhysicalNode;
import dev.sluice.execution.plan.ScanNode;
import dev.sluice.execution.plan.UnionAllNode;
import dev.sluice.execution.type.RowSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A physical plan cut into what runs inside the per-partition tasks ({@link TaskPipeline}s) and what runs
 * once per batch over all their output (here: LIMIT). Built once per query.
 *
 * <p>Stateless operators above a UNION ALL are pushed into every branch, so a task always runs its whole
 * chain without waiting for other partitions.
 */
record BatchPlan(List<TaskPipeline> pipelines, Optional<LimitNode> limit, RowSchema outputSchema) {
    BatchPlan {
        pipelines = List.copyOf(pipelines);
        requireNonNull(limit, "limit is null");
        requireNonNull(outputSchema, "outputSchema is null");
    }

    static BatchPlan of(PhysicalNode root) {
        Optional<LimitNode> limit = Optional.empty();
        PhysicalNode node = root;
        if (node instanceof LimitNode l) {
            limit = Optional.of(l);
            node = l.input();
        }
        List<TaskPipeline> pipelines = new ArrayList<>();
        compile(node, List.of(), pipelines);
        return new BatchPlan(pipelines, limit, root.schema());
    }

    /** Rows a task needs to produce at most: with a LIMIT, OFFSET + FETCH; else unlimited. */
    long rowsPerTask() {
        return limit.map(l -> l.fetch() == Long.MAX_VALUE ? Long.MAX_VALUE : l.offset() + l.fetch())
                .orElse(Long.MAX_VALUE);
    }

    private static void compile(PhysicalNode node, List<FilterProjectOperator.Factory> above,
                                List<TaskPipeline> out) {
        if (node instanceof ScanNode scan) {
            out.add(new TaskPipeline(scan, above));
        } else if (node instanceof FilterProjectNode fp) {
            List<FilterProjectOperator.Factory> chain = new ArrayList<>();
            chain.add(new FilterProjectOperator.Factory(fp.filter(), fp.projections(), fp.schema()));
            chain.addAll(above);
            compile(fp.input(), chain, out);
        } else if (node instanceof UnionAllNode union) {
            for (PhysicalNode input : union.inputs()) {
                compile(input, above, out);
            }
        } else if (node instanceof LimitNode) {
            throw new IllegalArgumentException("LIMIT is only supported at the top of a query");
        } else {
            throw new IllegalArgumentException("Unsupported plan node " + node.describe());
        }
    }
}
