package dev.sluice.connectors.kafka;

import java.util.Arrays;
import java.util.List;

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

    /** Every option value, Flink's {@code -offset} spellings too, for the option's definition ({@code KafkaTableOptions}). */
    static String[] optionValues() {
        return Arrays.stream(values()).flatMap(m -> m.names.stream()).toArray(String[]::new);
    }

    /** The mode of an option value the option's definition accepted. */
    static StartupMode of(String optionValue) {
        for (StartupMode mode : values()) {
            if (mode.names.contains(optionValue)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("No startup mode '" + optionValue + "'");
    }
}
