package dev.sluice.execution.plan;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.RowSchema;
import java.util.List;

/**
 * Skips {@code offset} rows then keeps at most {@code fetch}. Bounded queries only (on a stream, "the
 * first N rows" has no stable meaning across restarts). Runs after the tasks, over all partitions in
 * partition order.
 */
public record LimitNode(PhysicalNode input, long offset, long fetch) implements PhysicalNode {
    public LimitNode {
        requireNonNull(input, "input is null");
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
        return "Limit(offset=" + offset + ", fetch=" + fetch + ")";
    }
}
