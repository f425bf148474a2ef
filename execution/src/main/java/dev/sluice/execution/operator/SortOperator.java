package dev.sluice.execution.operator;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.changelog.ChangelogMode;
import dev.sluice.execution.plan.SortKey;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.util.ArrayList;
import java.util.List;

/**
 * ORDER BY ... [OFFSET ...] [LIMIT ...] of a bounded query: takes every row of its one batch, sorts them
 * (stably: equal rows keep their input order, which is deterministic) and emits the rows asked for, in
 * order, as one batch. Keeps no state; needs all its input, so it only runs in a bounded query.
 */
public final class SortOperator implements StreamOperator {
    /** A sort of rows of {@code schema} by {@code keys}, keeping rows {@code offset} to {@code offset + fetch}. */
    public record Factory(RowSchema outputSchema, List<SortKey> keys, long offset, long fetch, String description)
            implements StreamOperator.Factory {
        public Factory {
            requireNonNull(outputSchema, "outputSchema is null");
            keys = List.copyOf(keys);
            requireNonNull(description, "description is null");
        }

        @Override
        public ChangelogMode changelogMode() {
            return ChangelogMode.APPEND;
        }

        @Override
        public SortOperator create(OperatorContext context) {
            return new SortOperator(this, context);
        }

        @Override
        public String describe() {
            return description;
        }
    }

    private final Factory factory;
    private final OperatorContext context;
    private final List<List<Object>> rows = new ArrayList<>();

    private SortOperator(Factory factory, OperatorContext context) {
        this.factory = factory;
        this.context = context;
    }

    @Override
    public List<ChangeBatch> add(int input, ChangeBatch batch) {
        try (batch) {
            if (!batch.isInsertOnly()) {
                throw new IllegalStateException("ORDER BY got deleted rows: it sorts a bounded query's rows only");
            }
            rows.addAll(VectorValues.rows(batch.rows()));
        }
        return List.of();
    }

    @Override
    public List<ChangeBatch> finish() {
        rows.sort(new RowOrdering(factory.keys));  // List.sort is stable
        int from = (int) Math.min(factory.offset, rows.size());
        int to = factory.fetch >= rows.size() - from ? rows.size() : (int) (from + factory.fetch);
        List<List<Object>> kept = rows.subList(from, to);
        if (kept.isEmpty()) {
            return List.of();
        }
        return List.of(ChangeBatch.inserts(VectorValues.toBatch(factory.outputSchema, kept, context.allocator())));
    }
}
