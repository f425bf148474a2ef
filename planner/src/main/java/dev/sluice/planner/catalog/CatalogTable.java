package dev.sluice.planner.catalog;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.planner.physical.TypeMapping;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.impl.AbstractTable;

/**
 * A catalog table as Calcite sees it: its row type (declared columns then the connector's metadata
 * columns). Calcite only plans over it; Sluice's engine runs it. Continuous queries ({@code SELECT
 * STREAM}) are validated over the same relation: the STREAM keyword is Sluice's to interpret.
 */
public final class CatalogTable extends AbstractTable {
    private final TableDescriptor descriptor;
    private final RowSchema fullSchema;

    public CatalogTable(TableDescriptor descriptor, RowSchema fullSchema) {
        this.descriptor = requireNonNull(descriptor, "descriptor is null");
        this.fullSchema = requireNonNull(fullSchema, "fullSchema is null");
    }

    public TableDescriptor descriptor() {
        return descriptor;
    }

    /** Declared columns, then metadata columns. */
    public RowSchema fullSchema() {
        return fullSchema;
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory typeFactory) {
        RelDataTypeFactory.Builder builder = typeFactory.builder();
        for (Column c : fullSchema.columns()) {
            builder.add(c.name(), TypeMapping.toRelDataType(c.type(), c.nullable(), typeFactory));
        }
        return builder.build();
    }
}
