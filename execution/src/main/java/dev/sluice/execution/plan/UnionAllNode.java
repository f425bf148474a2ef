package dev.sluice.execution.plan;

import dev.sluice.execution.type.RowSchema;
import java.util.List;

/** Concatenates its inputs (same column types). Stateless; each input's tasks run side by side. */
public record UnionAllNode(List<PhysicalNode> inputs, RowSchema schema) implements PhysicalNode {
    public UnionAllNode {
        inputs = List.copyOf(inputs);
        if (inputs.size() < 2) {
            throw new IllegalArgumentException("UNION ALL needs at least two inputs");
        }
    }

    @Override
    public String describe() {
        return "UnionAll";
    }
}
