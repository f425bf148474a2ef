package dev.sluice.execution.plan;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.type.RowSchema;
import java.util.List;

/**
 * Reads a table's columns (a subset of its schema, in {@code schema} order) from the offset ranges of
 * the current micro-batch: one task per source partition. Keeps input order within a partition.
 */
public record ScanNode(TableDescriptor table, RowSchema schema) implements PhysicalNode {
    public ScanNode {
        requireNonNull(table, "table is null");
        requireNonNull(schema, "schema is null");
    }

    @Override
    public List<PhysicalNode> inputs() {
        return List.of();
    }

    @Override
    public String describe() {
        return "Scan(table=" + table.name() + ", columns=" + schema.names() + ")";
    }
}
