package dev.sluice.planner.catalog;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.planner.physical.TypeMapping;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.StreamableTable;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractTable;

/**
 * A catalog table as Calcite sees it in a bounded query: its row type (declared columns then the
 * connector's metadata columns). Calcite only plans over it; Sluice's engine runs it.
 *
 * <p>Calcite lets a table be either a relation or a stream, never both ({@code RelOptTableImpl
 * .supportsModality}); {@link Stream} is the same table for continuous queries.
 */
public class CatalogTable extends AbstractTable {
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

    /** The table as a stream, for {@code SELECT STREAM}. */
    public static final class Stream extends CatalogTable implements StreamableTable {
        public Stream(TableDescriptor descriptor, RowSchema fullSchema) {
            super(descriptor, fullSchema);
        }

        @Override
        public Table stream() {
            return this;
        }
    }
}
