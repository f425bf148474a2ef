package dev.sluice.execution.plan;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.expr.PhysicalExpr;
import dev.sluice.execution.type.RowSchema;
import java.util.List;
import java.util.Optional;

/**
 * Keeps the rows where {@code filter} is TRUE (all rows if absent), then computes {@code projections}.
 * Stateless, keeps input order, runs in each task. The expressions refer to the input's columns by index.
 */
public record FilterProjectNode(PhysicalNode input, Optional<PhysicalExpr> filter, List<PhysicalExpr> projections,
                                RowSchema schema) implements PhysicalNode {
    public FilterProjectNode {
        requireNonNull(input, "input is null");
        requireNonNull(filter, "filter is null");
        projections = List.copyOf(projections);
        requireNonNull(schema, "schema is null");
        if (projections.size() != schema.size()) {
            throw new IllegalArgumentException("projections and schema differ in size");
        }
    }

    @Override
    public List<PhysicalNode> inputs() {
        return List.of(input);
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder("FilterProject(");
        filter.ifPresent(f -> sb.append("filter=").append(f).append(", "));
        sb.append("project=[");
        for (int i = 0; i < projections.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(projections.get(i)).append(" AS ").append(schema.column(i).name());
        }
        return sb.append("])").toString();
    }
}
