package dev.sluice.api;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A table of the catalog, as {@code SHOW TABLES} lists it.
 *
 * @param name the table's name
 * @param connector its {@code connector} option ({@code kafka}, {@code filesystem}, {@code memory}...)
 * @param topic its {@code topic} option, for a Kafka table
 */
public record TableInfo(String name, String connector, Optional<String> topic) {
    public TableInfo {
        requireNonNull(name, "name is null");
        requireNonNull(connector, "connector is null");
        requireNonNull(topic, "topic is null");
    }
}
