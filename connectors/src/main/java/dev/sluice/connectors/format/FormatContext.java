package dev.sluice.connectors.format;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.RowSchema;
import java.util.Map;
import java.util.Optional;

/**
 * What a {@link FormatFactory} makes a {@link Format} for: the table (for messages), the columns the format
 * encodes (a table's declared columns, or its primary key's for a Kafka record key) and the format's options,
 * by their full names ({@code 'csv.field-delimiter'}), without the {@code key.} prefix of a key format.
 *
 * @param table the table's name
 * @param what what the format encodes, for messages: {@code "value"} or {@code "key"}
 * @param columns the columns, in the order of the records' fields where that matters (CSV)
 * @param options the table's options of this format (each starting with the format's identifier and a dot)
 */
public record FormatContext(String table, String what, RowSchema columns, Map<String, String> options) {
    public FormatContext {
        requireNonNull(table, "table is null");
        requireNonNull(what, "what is null");
        requireNonNull(columns, "columns is null");
        options = Map.copyOf(options);
    }

    /** The option's value, else its default. */
    public Optional<String> option(FormatOption option) {
        return Optional.ofNullable(options.get(option.key())).or(option::defaultValue);
    }

    /** An error naming the table and what the format is for, e.g. "Table 'x' (value format 'csv'): ...". */
    public IllegalArgumentException error(String format, String message) {
        return new IllegalArgumentException("Table '" + table + "' (" + what + " format '" + format + "'): " + message);
    }
}
