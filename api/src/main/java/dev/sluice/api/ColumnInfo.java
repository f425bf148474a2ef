package dev.sluice.api;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A column of a table or view, as {@code DESCRIBE} shows it (the columns of Flink's DESCRIBE).
 *
 * @param name the column's name
 * @param type its SQL type name ({@code BIGINT}, {@code VARCHAR}, {@code TIMESTAMP}...)
 * @param nullable whether it may hold NULL
 * @param kind how its value comes to be
 * @param primaryKey whether it is part of the table's primary key
 * @param extras a computed column's expression, the watermark on the column (joined by {@code "; "})
 */
public record ColumnInfo(String name, String type, boolean nullable, Kind kind, boolean primaryKey,
                         Optional<String> extras) {
    /** How a column's value comes to be. */
    public enum Kind {
        /** A declared column, read from the record. */
        COLUMN,
        /** A declared column computed from others ({@code AS expression}). */
        COMPUTED,
        /** A connector's metadata column (Kafka's partition, offset...): read by name only, not by {@code SELECT *}. */
        METADATA,
        /** A column of a view. */
        VIEW
    }

    public ColumnInfo {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(extras, "extras is null");
    }
}
