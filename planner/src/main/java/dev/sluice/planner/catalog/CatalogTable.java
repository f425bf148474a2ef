package dev.sluice.planner.catalog;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.source.ComputedColumnsSource;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.planner.physical.TypeMapping;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import com.google.common.base.Suppliers;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.Statistic;
import org.apache.calcite.schema.Statistics;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * A catalog table as Calcite sees it: its row type (declared columns, physical and computed, in declaration
 * order, then the connector's metadata columns) and its primary key as a unique key of its statistic. Calcite
 * only plans over it; Sluice's engine runs it. Continuous queries ({@code SELECT STREAM}) are validated over
 * the same relation: the STREAM keyword is Sluice's to interpret.
 *
 * <p>Metadata columns are read by name only: {@code SELECT *} leaves them out (see {@code SluiceSqlValidator}).
 * Computed columns are read like the others; the table's source computes them ({@link ComputedColumnsSource}).
 */
public final class CatalogTable extends AbstractTable {
    private final TableDescriptor descriptor;
    private final Supplier<Resolved> resolved;

    /** The computed columns and the full schema, resolved when Calcite first asks for the row type. */
    private record Resolved(List<ComputedColumnsSource.Definition> computedColumns, RowSchema fullSchema,
                            int declaredColumns) {
    }

    /**
     * @param metadataColumns the connector's metadata columns
     * @param computedColumns resolves the table's computed columns, in declaration order; called once, when the
     *     table is first planned over (so that a table no query reads costs nothing and can't fail a query)
     */
    public CatalogTable(TableDescriptor descriptor, RowSchema metadataColumns,
                        Supplier<List<ComputedColumnsSource.Definition>> computedColumns) {
        this.descriptor = requireNonNull(descriptor, "descriptor is null");
        requireNonNull(metadataColumns, "metadataColumns is null");
        requireNonNull(computedColumns, "computedColumns is null");
        this.resolved = Suppliers.memoize(() -> resolve(descriptor, metadataColumns, computedColumns.get()));
    }

    private static Resolved resolve(TableDescriptor descriptor, RowSchema metadataColumns,
                                    List<ComputedColumnsSource.Definition> computedColumns) {
        Map<String, Column> computed = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        computedColumns.forEach(d -> computed.put(d.column().name(), d.column()));
        List<Column> columns = new ArrayList<>();
        for (String name : descriptor.declaredNames()) {
            Column c = computed.get(name);
            columns.add(c != null ? c : descriptor.schema().find(name).orElseThrow());
        }
        int declared = columns.size();
        columns.addAll(metadataColumns.columns());
        return new Resolved(List.copyOf(computedColumns), new RowSchema(columns), declared);
    }

    public TableDescriptor descriptor() {
        return descriptor;
    }

    /** Declared columns (physical and computed, in declaration order), then metadata columns. */
    public RowSchema fullSchema() {
        return resolved.get().fullSchema();
    }

    /** The computed columns, resolved: what the table's source computes while reading. */
    public List<ComputedColumnsSource.Definition> computedColumns() {
        return resolved.get().computedColumns();
    }

    /** Whether {@code column} is one of the connector's metadata columns (left out of {@code SELECT *}). */
    public boolean isMetadataColumn(String column) {
        int index = fullSchema().indexOf(column);
        return index >= resolved.get().declaredColumns();
    }

    /** The primary key's column names ({@code PRIMARY KEY (...) NOT ENFORCED}), in key order; empty if none. */
    public List<String> primaryKey() {
        return descriptor.primaryKey();
    }

    /** The primary key's columns as indexes of the row type; empty if the table has no primary key. */
    public ImmutableBitSet primaryKeyColumns() {
        ImmutableBitSet.Builder key = ImmutableBitSet.builder();
        for (String k : descriptor.primaryKey()) {
            key.set(fullSchema().indexOf(k));
        }
        return key.build();
    }

    /** The primary key as the table's one unique key, for Calcite's metadata ({@code RelMdColumnUniqueness}). */
    @Override
    public Statistic getStatistic() {
        if (descriptor.primaryKey().isEmpty()) {
            return super.getStatistic();
        }
        return Statistics.of(null, List.of(primaryKeyColumns()), null, null);
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory typeFactory) {
        RelDataTypeFactory.Builder builder = typeFactory.builder();
        for (Column c : fullSchema().columns()) {
            builder.add(c.name(), TypeMapping.toRelDataType(c.type(), c.nullable(), typeFactory));
        }
        return builder.build();
    }
}
