package dev.sluice.execution.operator;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.changelog.ChangelogMode;
import dev.sluice.execution.type.RowSchema;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A join at the batch level whose build side is complete within each batch: input 0 (the build side) is
 * taken whole into a {@link LookupTable}, then each batch of input 1 (the probe side) is joined with it as
 * {@link LookupJoinOperator} does (inner, or keeping probe rows without a match). Used where a lookup join's
 * sides are not both plain streams of the tasks: in a bounded query (one batch, e.g. a join of two
 * aggregates), or on a stream whose static table is read whole each batch while the other side comes out of
 * a stateful operator. Keeps no state; its inputs must be inserts only.
 *
 * <p>Output: the probe side's columns, then the build side's; inserts only.
 */
public final class HashJoinOperator implements StreamOperator {
    /** Input 0: the build side. */
    public static final int BUILD = 0;
    /** Input 1: the probe side. */
    public static final int PROBE = 1;

    /** A join probing with {@code probeKeys} a build side of {@code buildWidth} columns keyed by {@code buildKeys}. */
    public record Factory(List<Integer> probeKeys, List<Integer> buildKeys, int buildWidth, boolean outer,
                          RowSchema outputSchema, String description) implements StreamOperator.Factory {
        public Factory {
            probeKeys = List.copyOf(probeKeys);
            buildKeys = List.copyOf(buildKeys);
            requireNonNull(outputSchema, "outputSchema is null");
            requireNonNull(description, "description is null");
        }

        @Override
        public ChangelogMode changelogMode() {
            return ChangelogMode.APPEND;
        }

        @Override
        public HashJoinOperator create(OperatorContext context) {
            return new HashJoinOperator(this, context);
        }

        @Override
        public String describe() {
            return description + ", the build side (below, first) taken whole each batch";
        }
    }

    private final Factory factory;
    private final OperatorContext context;
    private final List<VectorSchemaRoot> build = new ArrayList<>();
    private LookupJoinOperator probe;

    private HashJoinOperator(Factory factory, OperatorContext context) {
        this.factory = factory;
        this.context = context;
    }

    @Override
    public List<ChangeBatch> add(int input, ChangeBatch batch) {
        if (!batch.isInsertOnly()) {
            batch.close();
            throw new IllegalStateException("A join of a table read whole each batch got deleted rows, which it can't "
                    + "take back yet");
        }
        if (input == BUILD) {
            build.add(batch.rows());  // closed with the operator
            batch.weights().ifPresent(org.apache.arrow.vector.IntVector::close);
            return List.of();
        }
        try (batch) {
            VectorSchemaRoot out = probe().process(batch.rows());
            return out == null ? List.of() : List.of(ChangeBatch.inserts(out));
        }
    }

    /** The probe, over the build side taken so far: input 0 comes whole before input 1. */
    private LookupJoinOperator probe() {
        if (probe == null) {
            LookupTable table = LookupTable.build(build, factory.buildKeys, factory.buildWidth);
            probe = new LookupJoinOperator.Factory(factory.probeKeys, factory.outer, factory.outputSchema)
                    .create(context.allocator(), table);
        }
        return probe;
    }

    @Override
    public List<ChangeBatch> finish() {
        return List.of();
    }

    @Override
    public void close() {
        build.forEach(VectorSchemaRoot::close);
        build.clear();
    }
}
