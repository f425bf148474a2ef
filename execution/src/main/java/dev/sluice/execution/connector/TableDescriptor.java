package dev.sluice.execution.connector;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.RowSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A table as the catalog knows it: its name, its declared columns (without connector metadata columns),
 * its {@code WITH (...)} options and, if declared, its watermark. Immutable.
 */
public record TableDescriptor(String name, RowSchema schema, Map<String, String> options,
                              Optional<WatermarkSpec> watermark) {
    public TableDescriptor {
        requireNonNull(name, "name is null");
        requireNonNull(schema, "schema is null");
        options = Map.copyOf(options);
        requireNonNull(watermark, "watermark is null");
        watermark.ifPresent(w -> {
            var column = schema.find(w.column()).orElseThrow(() -> new IllegalArgumentException(
                    "The watermark of table '" + name + "' is on column '" + w.column() + "', which it does not declare"));
            if (column.type() != dev.sluice.execution.type.ColumnType.TIMESTAMP) {
                throw new IllegalArgumentException("The watermark of table '" + name + "' needs a TIMESTAMP column; '"
                        + w.column() + "' is " + column.type());
            }
        });
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
                new IllegalArgumentException("Table '" + name + "' has no 'connector' option"));
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
            throw new IllegalArgumentException("Unknown option '" + key + "' for " + kind + " table '" + name + "'"
                    + (valid.isEmpty() ? " (it takes no options)" : " (valid options: " + String.join(", ", valid) + ")"));
        }
    }

    /** The options in key order, for stable display and persistence. */
    public Map<String, String> sortedOptions() {
        return new TreeMap<>(options);
    }
}
