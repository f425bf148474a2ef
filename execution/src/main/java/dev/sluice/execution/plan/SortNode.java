package dev.sluice.execution.plan;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.RowSchema;
import java.util.List;

/**
 * ORDER BY {@code keys}, then skips {@code offset} rows and keeps at most {@code fetch}: a bounded query's
 * sorted result (with a LIMIT, a Top-K that keeps only {@code offset + fetch} rows). Bounded queries only: a
 * stream has no last row to sort up to (a continuous query ranks within groups with ROW_NUMBER instead).
 */
public record SortNode(PhysicalNode input, List<SortKey> keys, long offset, long fetch) implements PhysicalNode {
    public SortNode {
        requireNonNull(input, "input is null");
        keys = List.copyOf(keys);
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("A sort needs at least one key (without, it is a LIMIT)");
        }
        if (offset < 0 || fetch < 0) {
            throw new IllegalArgumentException("OFFSET and FETCH must not be negative");
        }
    }

    @Override
    public RowSchema schema() {
        return input.schema();
    }

    @Override
    public List<PhysicalNode> inputs() {
        return List.of(input);
    }

    @Override
    public String describe() {
        return "Sort(" + keys.stream().map(k -> k.describe(input.schema())).toList()
                + (offset > 0 ? ", offset=" + offset : "") + (fetch < Long.MAX_VALUE ? ", fetch=" + fetch : "") + ")";
    }
}
