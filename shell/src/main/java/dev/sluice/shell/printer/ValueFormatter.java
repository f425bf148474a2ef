package dev.sluice.shell.printer;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** The text of one value in a result, as the shell shows it. */
public final class ValueFormatter {
    /** How Sluice shows TIMESTAMP values (UTC, millisecond precision). */
    public static final DateTimeFormatter TIMESTAMP_FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private ValueFormatter() {
    }

    /**
     * Formats a value of a result row: {@code NULL} for null, timestamps as {@code yyyy-MM-dd HH:mm:ss.SSS},
     * everything else (Boolean, Integer, Long, Double, String) as {@link String#valueOf(Object)} does.
     */
    public static String format(Object value) {
        if (value == null) {
            return "NULL";
        }
        if (value instanceof LocalDateTime timestamp) {
            return TIMESTAMP_FORMAT.format(timestamp);
        }
        return String.valueOf(value);
    }
}
