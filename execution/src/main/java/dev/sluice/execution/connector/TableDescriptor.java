package dev.sluice.execution.connector;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.error.EngineException;
import dev.sluice.execution.error.ErrorType;
import dev.sluice.execution.type.RowSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A table as the catalog knows it: its name, its physical columns ({@code schema}: what its records hold and
 * an INSERT writes, without connector metadata columns), its {@code WITH (...)} options, and, if declared, its
 * watermark, computed columns and primary key. Immutable.
 *
 * <p>The primary key ({@code PRIMARY KEY (a, b) NOT ENFORCED}, as in Flink) is not checked against the data:
 * it tells the planner that a later row with the same key replaces an earlier one. Its columns are physical
 * and NOT NULL.
 *
 * @param computedColumns columns computed from the others ({@link ComputedColumn}), in declaration order
 * @param primaryKey the primary key's column names, in key order; empty if the table has none
 */
public record TableDescriptor(String name, RowSchema schema, Map<String, String> options,
                              Optional<WatermarkSpec> watermark, List<ComputedColumn> computedColumns,
                              List<String> primaryKey) {
    public TableDescriptor {
        requireNonNull(name, "name is null");
        requireNonNull(schema, "schema is null");
        options = Map.copyOf(options);
        requireNonNull(watermark, "watermark is null");
        computedColumns = List.copyOf(computedColumns);
        primaryKey = List.copyOf(primaryKey);
        checkComputedColumns(name, schema, computedColumns);
        List<ComputedColumn> computed = computedColumns;
        watermark.ifPresent(w -> {
            if (computed.stream().anyMatch(c -> c.name().equalsIgnoreCase(w.column()))) {
                return;  // the planner checks a computed column's type when it resolves it
            }
            var column = schema.find(w.column()).orElseThrow(() -> new EngineException(ErrorType.USER_ERROR, 
                    "The watermark of table '" + name + "' is on column '" + w.column() + "', which it does not declare"));
            if (column.type() != dev.sluice.execution.type.ColumnType.TIMESTAMP) {
                throw new EngineException(ErrorType.USER_ERROR, "The watermark of table '" + name + "' needs a TIMESTAMP column; '"
                        + w.column() + "' is " + column.type());
            }
        });
        primaryKey = checkPrimaryKey(name, schema, computedColumns, primaryKey);
    }

    /** A table without computed columns or primary key. */
    public TableDescriptor(String name, RowSchema schema, Map<String, String> options,
                           Optional<WatermarkSpec> watermark) {
        this(name, schema, options, watermark, List.of(), List.of());
    }

    private static void checkComputedColumns(String table, RowSchema schema, List<ComputedColumn> computed) {
        Set<String> names = new HashSet<>();
        schema.names().forEach(n -> names.add(n.toLowerCase(Locale.ROOT)));
        int declared = schema.size() + computed.size();
        int previous = -1;
        for (ComputedColumn c : computed) {
            if (!names.add(c.name().toLowerCase(Locale.ROOT))) {
                throw new EngineException(ErrorType.USER_ERROR, "Column '" + c.name() + "' of table '" + table + "' is declared twice");
            }
            if (c.position() <= previous || c.position() >= declared) {
                throw new EngineException(ErrorType.USER_ERROR, "The computed column '" + c.name() + "' of table '" + table
                        + "' is at position " + c.position() + " of " + declared + " declared columns, after " + previous);
            }
            previous = c.position();
        }
    }

    /** The key's columns named as declared, or an error naming the column at fault. */
    private static List<String> checkPrimaryKey(String table, RowSchema schema, List<ComputedColumn> computed,
                                                List<String> key) {
        Set<String> seen = new HashSet<>();
        List<String> names = new ArrayList<>();
        for (String k : key) {
            if (!seen.add(k.toLowerCase(Locale.ROOT))) {
                throw new EngineException(ErrorType.USER_ERROR, "The primary key of table '" + table + "' names column '" + k
                        + "' twice");
            }
            if (computed.stream().anyMatch(c -> c.name().equalsIgnoreCase(k))) {
                throw new EngineException(ErrorType.USER_ERROR, "The primary key of table '" + table + "' names '" + k
                        + "', a computed column: a primary key is made of physical columns");
            }
            var column = schema.columns().stream().filter(c -> c.name().equalsIgnoreCase(k)).findFirst()
                    .orElseThrow(() -> new EngineException(ErrorType.USER_ERROR, "The primary key of table '"
                    + table + "' names column '" + k + "', which it does not declare"));
            if (column.nullable()) {
                throw new EngineException(ErrorType.USER_ERROR, "The primary key column '" + k + "' of table '" + table
                        + "' is nullable: primary key columns are NOT NULL");
            }
            names.add(column.name());
        }
        return List.copyOf(names);
    }

    /** Whether {@code column} is one of the table's computed columns (case-insensitive). */
    public Optional<ComputedColumn> computedColumn(String column) {
        return computedColumns.stream().filter(c -> c.name().equalsIgnoreCase(column)).findFirst();
    }

    /**
     * The names of the declared columns, physical and computed, in declaration order (what {@code SELECT *}
     * shows, before any metadata column).
     */
    public List<String> declaredNames() {
        List<String> names = new ArrayList<>(schema.names());
        for (ComputedColumn c : computedColumns) {
            names.add(c.position(), c.name());
        }
        return names;
    }

    /**
     * Option of any table: {@code 'static'='true'} makes it a static table in continuous joins, read whole for
     * every micro-batch (a dimension table), rather than a stream read incrementally.
     */
    public static final String STATIC = "static";

    /** A table without a watermark. */
    public TableDescriptor(String name, RowSchema schema, Map<String, String> options) {
        this(name, schema, options, Optional.empty());
    }

    public String connector() {
        return option("connector").orElseThrow(() ->
                new EngineException(ErrorType.USER_ERROR, "Table '" + name + "' has no 'connector' option"));
    }

    public Optional<String> option(String key) {
        return Optional.ofNullable(options.get(key));
    }

    /**
     * Fails, naming the option and listing the valid ones, if the table has an option that is neither
     * {@code connector}, nor in {@code known}, nor starts with one of {@code prefixes}.
     *
     * @param kind the connector's name for messages, e.g. "Kafka"
     */
    public void checkOptions(String kind, Collection<String> known, String... prefixes) {
        for (String key : options.keySet()) {
            if (key.equals("connector") || key.equals(STATIC) || known.contains(key)
                    || Arrays.stream(prefixes).anyMatch(key::startsWith)) {
                continue;
            }
            List<String> valid = new ArrayList<>(new TreeSet<>(known));
            Arrays.stream(prefixes).map(p -> p + "*").forEach(valid::add);
            throw new EngineException(ErrorType.USER_ERROR, "Unknown option '" + key + "' for " + kind + " table '" + name + "'"
                    + (valid.isEmpty() ? " (it takes no options)" : " (valid options: " + String.join(", ", valid) + ")"));
        }
    }

    /** The options in key order, for stable display and persistence. */
    public Map<String, String> sortedOptions() {
        return new TreeMap<>(options);
    }
}
