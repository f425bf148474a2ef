package dev.sluice.planner.catalog;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sluice.execution.connector.ComputedColumn;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.connector.WatermarkSpec;
import dev.sluice.execution.error.EngineException;
import dev.sluice.execution.error.ErrorType;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The tables and views of a Sluice home: a table's name, declared columns and options, a view's name and
 * query, persisted as one JSON file ({@code catalog.json}) so that the catalog survives restarts of the
 * shell. Names are matched case-insensitively and kept as declared; tables and views share one namespace.
 * Thread-safe.
 *
 * <p>File format: {@code {"version": 2, "tables": [{"name":..., "columns": [{"name":..., "type":...,
 * "nullable":...}], "options": {...}, "watermark": {"column":..., "delayMillis":...}, "computedColumns":
 * [{"name":..., "expression":..., "position":...}], "primaryKey": [...]}], "views": [{"name":..., "query":
 * ...}]}} (watermark, computed columns, primary key and views optional); written atomically (temp file +
 * rename). Version 1 files (before computed columns and primary keys) and version 2 files (before views) are
 * read as they are; a Sluice that only knows an older version refuses a newer file rather than drop what it
 * does not know.
 */
public final class Catalog {
    private static final int VERSION = 3;
    /** The oldest file version this Sluice reads. */
    private static final int OLDEST_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Optional<Path> file;
    private final Map<String, TableDescriptor> tables = new TreeMap<>();
    private final Map<String, ViewDefinition> views = new TreeMap<>();

    private Catalog(Optional<Path> file) {
        this.file = file;
    }

    /** A catalog kept only in memory (tests, throw-away sessions). */
    public static Catalog inMemory() {
        return new Catalog(Optional.empty());
    }

    /** The catalog stored in {@code file}, loaded now if it exists. */
    public static Catalog open(Path file) {
        Catalog catalog = new Catalog(Optional.of(file));
        if (Files.exists(file)) {
            catalog.load(file);
        }
        return catalog;
    }

    public synchronized Optional<TableDescriptor> get(String name) {
        return Optional.ofNullable(tables.get(key(name)));
    }

    /** The table named {@code name}, or an error naming it. */
    public synchronized TableDescriptor require(String name) {
        return get(name).orElseThrow(() -> new EngineException(ErrorType.USER_ERROR, "Table '" + name + "' does not exist"));
    }

    /** Every table, by name. */
    public synchronized List<TableDescriptor> tables() {
        return List.copyOf(tables.values());
    }

    /**
     * Adds a table. Returns false if one of that name exists and {@code ifNotExists}; throws if it
     * exists otherwise.
     */
    public synchronized boolean create(TableDescriptor table, boolean ifNotExists) {
        requireNonNull(table, "table is null");
        if (tables.containsKey(key(table.name()))) {
            if (ifNotExists) {
                return false;
            }
            throw new EngineException(ErrorType.USER_ERROR, "Table '" + table.name() + "' already exists");
        }
        if (views.containsKey(key(table.name()))) {
            throw new EngineException(ErrorType.USER_ERROR, "A view named '" + table.name() + "' exists; a table can't have its name");
        }
        tables.put(key(table.name()), table);
        save();
        return true;
    }

    /** Removes a table. Returns false if it does not exist and {@code ifExists}; throws otherwise. */
    public synchronized boolean drop(String name, boolean ifExists) {
        if (tables.remove(key(name)) == null) {
            if (ifExists) {
                return false;
            }
            throw new EngineException(ErrorType.USER_ERROR, "Table '" + name + "' does not exist");
        }
        save();
        return true;
    }

    public synchronized Optional<ViewDefinition> view(String name) {
        return Optional.ofNullable(views.get(key(name)));
    }

    /** The view named {@code name}, or an error naming it. */
    public synchronized ViewDefinition requireView(String name) {
        return view(name).orElseThrow(() -> new EngineException(ErrorType.USER_ERROR, "View '" + name + "' does not exist"));
    }

    /** Every view, by name. */
    public synchronized List<ViewDefinition> views() {
        return List.copyOf(views.values());
    }

    /**
     * Adds a view. Returns false if one of that name exists and {@code ifNotExists}; throws if it exists
     * otherwise, or if a table has the name.
     */
    public synchronized boolean createView(ViewDefinition view, boolean ifNotExists) {
        requireNonNull(view, "view is null");
        if (views.containsKey(key(view.name()))) {
            if (ifNotExists) {
                return false;
            }
            throw new EngineException(ErrorType.USER_ERROR, "View '" + view.name() + "' already exists");
        }
        if (tables.containsKey(key(view.name()))) {
            throw new EngineException(ErrorType.USER_ERROR, "A table named '" + view.name() + "' exists; a view can't have its name");
        }
        views.put(key(view.name()), view);
        save();
        return true;
    }

    /** Removes a view. Returns false if it does not exist and {@code ifExists}; throws otherwise. */
    public synchronized boolean dropView(String name, boolean ifExists) {
        if (views.remove(key(name)) == null) {
            if (ifExists) {
                return false;
            }
            throw new EngineException(ErrorType.USER_ERROR, "View '" + name + "' does not exist");
        }
        save();
        return true;
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private void load(Path path) {
        try {
            Map<String, Object> root = JSON.readValue(path.toFile(), new TypeReference<>() { });
            Object version = root.get("version");
            if (!(version instanceof Integer v) || v < OLDEST_VERSION || v > VERSION) {
                throw new EngineException(ErrorType.EXTERNAL, "Catalog file " + path + " has unsupported version " + version
                        + " (this Sluice reads versions " + OLDEST_VERSION + " to " + VERSION + ")");
            }
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> list = (List<Map<String, Object>>) root.get("tables");
            for (Map<String, Object> t : list) {
                TableDescriptor table = fromJson(t);
                tables.put(key(table.name()), table);
            }
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> viewList = (List<Map<String, Object>>) root.getOrDefault("views", List.of());
            for (Map<String, Object> entry : viewList) {
                ViewDefinition view = new ViewDefinition((String) entry.get("name"), (String) entry.get("query"));
                views.put(key(view.name()), view);
            }
        } catch (IOException | ClassCastException | NullPointerException | IllegalArgumentException e) {
            throw new EngineException(ErrorType.EXTERNAL, "Catalog file " + path + " can't be read: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static TableDescriptor fromJson(Map<String, Object> t) {
        List<Column> columns = new ArrayList<>();
        for (Map<String, Object> c : (List<Map<String, Object>>) t.get("columns")) {
            columns.add(new Column((String) c.get("name"), ColumnType.valueOf((String) c.get("type")),
                    (Boolean) c.get("nullable")));
        }
        Map<String, Object> watermark = (Map<String, Object>) t.get("watermark");
        List<ComputedColumn> computed = new ArrayList<>();
        for (Map<String, Object> c : (List<Map<String, Object>>) t.getOrDefault("computedColumns", List.of())) {
            computed.add(new ComputedColumn((String) c.get("name"), (String) c.get("expression"),
                    ((Number) c.get("position")).intValue()));
        }
        return new TableDescriptor((String) t.get("name"), new RowSchema(columns),
                (Map<String, String>) t.get("options"), Optional.ofNullable(watermark).map(w -> new WatermarkSpec(
                        (String) w.get("column"), ((Number) w.get("delayMillis")).longValue())), computed,
                (List<String>) t.getOrDefault("primaryKey", List.of()));
    }

    private void save() {
        if (file.isEmpty()) {
            return;
        }
        List<Map<String, Object>> list = new ArrayList<>();
        for (TableDescriptor t : tables.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", t.name());
            List<Map<String, Object>> columns = new ArrayList<>();
            for (Column c : t.schema().columns()) {
                Map<String, Object> cm = new LinkedHashMap<>();
                cm.put("name", c.name());
                cm.put("type", c.type().name());
                cm.put("nullable", c.nullable());
                columns.add(cm);
            }
            m.put("columns", columns);
            m.put("options", t.sortedOptions());
            t.watermark().ifPresent(w -> m.put("watermark", Map.of("column", w.column(), "delayMillis", w.delayMillis())));
            if (!t.computedColumns().isEmpty()) {
                List<Map<String, Object>> computed = new ArrayList<>();
                for (ComputedColumn c : t.computedColumns()) {
                    Map<String, Object> cm = new LinkedHashMap<>();
                    cm.put("name", c.name());
                    cm.put("expression", c.expression());
                    cm.put("position", c.position());
                    computed.add(cm);
                }
                m.put("computedColumns", computed);
            }
            if (!t.primaryKey().isEmpty()) {
                m.put("primaryKey", t.primaryKey());
            }
            list.add(m);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", VERSION);
        root.put("tables", list);
        if (!views.isEmpty()) {
            List<Map<String, Object>> viewList = new ArrayList<>();
            for (ViewDefinition v : views.values()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", v.name());
                m.put("query", v.query());
                viewList.add(m);
            }
            root.put("views", viewList);
        }
        Path path = file.get();
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
            Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), root);
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Can't write catalog file " + path, e);
        }
    }
}
