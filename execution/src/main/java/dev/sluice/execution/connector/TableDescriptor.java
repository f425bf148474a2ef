package dev.sluice.execution.connector;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.RowSchema;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A table as the catalog knows it: its name, its declared columns (without connector metadata columns)
 * and its {@code WITH (...)} options. Immutable.
 */
public record TableDescriptor(String name, RowSchema schema, Map<String, String> options) {
    public TableDescriptor {
        requireNonNull(name, "name is null");
        requireNonNull(schema, "schema is null");
        options = Map.copyOf(options);
    }

    public String connector() {
        return option("connector").orElseThrow(() ->
                new IllegalArgumentException("Table '" + name + "' has no 'connector' option"));
    }

    public Optional<String> option(String key) {
        return Optional.ofNullable(options.get(key));
    }

    /** The options in key order, for stable display and persistence. */
    public Map<String, String> sortedOptions() {
        return new TreeMap<>(options);
    }
}
