package dev.sluice.connectors.format;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One option of a format, as a table's {@code WITH (...)} clause names it: the format's identifier, a dot, and
 * the option ({@code 'csv.field-delimiter'}). Each format declares its options in one list
 * ({@link FormatFactory#options()}), from which tables check their options and the docs describe them, as
 * Flink's {@code ConfigOption}s.
 *
 * @param key the option's full name, starting with its format's identifier and a dot
 * @param doc what it does, for errors and help
 * @param defaultValue its value when the table does not set it; empty if it has none
 */
public record FormatOption(String key, String doc, Optional<String> defaultValue) {
    public FormatOption {
        requireNonNull(key, "key is null");
        requireNonNull(doc, "doc is null");
        requireNonNull(defaultValue, "defaultValue is null");
    }

    public static FormatOption of(String key, String defaultValue, String doc) {
        return new FormatOption(key, doc, Optional.ofNullable(defaultValue));
    }
}
