package dev.sluice.connectors.kafka;

import dev.sluice.execution.error.EngineException;
import dev.sluice.execution.error.ErrorType;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Where a query over a Kafka table starts reading when it has no checkpoint ({@code scan.startup.mode}). */
public enum StartupMode {
    /** The earliest offset still available in each partition. */
    EARLIEST("earliest", "earliest-offset"),
    /** The end of each partition: only records written after the query started. */
    LATEST("latest", "latest-offset"),
    /** Offsets given per partition by {@code scan.startup.specific-offsets}; earliest for the others. */
    SPECIFIC_OFFSETS("specific-offsets"),
    /** The first record whose timestamp is at or after {@code scan.startup.timestamp-millis}. */
    TIMESTAMP("timestamp");

    private final List<String> names;

    StartupMode(String... names) {
        this.names = List.of(names);
    }

    /** The option value that selects this mode. */
    public String optionValue() {
        return names.get(0);
    }

    /** The mode an option value names (case-insensitive, Flink's {@code -offset} spellings accepted). */
    public static StartupMode fromOptionValue(String value, String table) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (StartupMode mode : values()) {
            if (mode.names.contains(v)) {
                return mode;
            }
        }
        throw new EngineException(ErrorType.USER_ERROR, "Invalid value '" + value + "' for option '"
                + KafkaTableOptions.SCAN_STARTUP_MODE + "' of table '" + table + "' (valid: "
                + String.join(", ", Arrays.stream(values()).flatMap(m -> m.names.stream()).toList()) + ")");
    }
}
