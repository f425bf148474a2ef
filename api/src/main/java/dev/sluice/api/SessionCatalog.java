package dev.sluice.api;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.connector.ComputedColumn;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.planner.catalog.Catalog;
import dev.sluice.planner.catalog.ViewDefinition;
import dev.sluice.planner.ddl.CreateTableText;
import dev.sluice.planner.sql.QueryPlanner;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The catalog as a session reads it, typed: its tables and the columns of its tables and views.
 * {@code SHOW TABLES} and {@code DESCRIBE} print these; tools (the shell's completion, JDBC metadata) read them
 * here instead of running those statements and reading their rows. Thread-safe; reads the catalog as it is at
 * each call.
 */
public final class SessionCatalog {
    private final Catalog catalog;
    private final QueryPlanner planner;

    SessionCatalog(Catalog catalog, QueryPlanner planner) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.planner = requireNonNull(planner, "planner is null");
    }

    /** The tables, in the catalog's order. */
    public List<TableInfo> tables() {
        List<TableInfo> tables = new ArrayList<>();
        for (TableDescriptor t : catalog.tables()) {
            tables.add(new TableInfo(t.name(), String.valueOf(t.options().get("connector")),
                    Optional.ofNullable(t.options().get("topic"))));
        }
        return tables;
    }

    /**
     * The columns of the table or view {@code name}: a table's declared columns, then its connector's metadata
     * columns; a view's as its query gives them.
     *
     * @throws SluiceException if there is no table or view of that name
     */
    public List<ColumnInfo> describe(String name) {
        try {
            if (catalog.get(name).isEmpty() && catalog.view(name).isPresent()) {
                return describeView(catalog.requireView(name));
            }
            return describeTable(catalog.require(name));
        } catch (RuntimeException e) {
            throw Errors.toSluiceException(e);
        }
    }

    private List<ColumnInfo> describeTable(TableDescriptor table) {
        RowSchema full = planner.fullSchema(table);
        int declared = table.declaredNames().size();
        List<ColumnInfo> columns = new ArrayList<>();
        for (int i = 0; i < full.size(); i++) {
            Column c = full.column(i);
            Optional<ComputedColumn> computed = table.computedColumn(c.name());
            ColumnInfo.Kind kind = i >= declared ? ColumnInfo.Kind.METADATA
                    : computed.isPresent() ? ColumnInfo.Kind.COMPUTED : ColumnInfo.Kind.COLUMN;
            boolean key = table.primaryKey().stream().anyMatch(k -> k.equalsIgnoreCase(c.name()));
            List<String> extras = new ArrayList<>();
            computed.ifPresent(e -> extras.add("AS " + e.expression()));
            boolean isDeclared = i < declared;
            table.watermark().filter(w -> isDeclared && w.column().equalsIgnoreCase(c.name()))
                    .ifPresent(w -> extras.add(CreateTableText.watermark(w)));
            columns.add(new ColumnInfo(c.name(), c.type().sqlName(), c.nullable(), kind, key,
                    extras.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", extras))));
        }
        return columns;
    }

    private List<ColumnInfo> describeView(ViewDefinition view) {
        RowSchema schema = planner.viewSchema(view);
        List<ColumnInfo> columns = new ArrayList<>();
        for (Column c : schema.columns()) {
            columns.add(new ColumnInfo(c.name(), c.type().sqlName(), c.nullable(), ColumnInfo.Kind.VIEW, false,
                    Optional.empty()));
        }
        return columns;
    }
}
