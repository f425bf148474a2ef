package dev.sluice.connectors.kafka;

import java.util.Arrays;
import java.util.Locale;

/** What a Kafka source does with a record it can't decode ({@code on-error}). */
public enum ErrorPolicy {
    /** Fail the query with an error naming the table, partition, offset and reason. */
    FAIL("fail"),
    /** Skip the record, counting it in the reader's malformed records. */
    SKIP("skip"),
    /** Skip and count it, and write it unchanged to the dead-letter topic with the reason in headers. */
    DEAD_LETTER("dead-letter");

    private final String optionValue;

    ErrorPolicy(String optionValue) {
        this.optionValue = optionValue;
    }

    public String optionValue() {
        return optionValue;
    }

    public static ErrorPolicy fromOptionValue(String value, String table) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (ErrorPolicy policy : values()) {
            if (policy.optionValue.equals(v)) {
                return policy;
            }
        }
        throw new IllegalArgumentException("Invalid value '" + value + "' for option '" + KafkaTableOptions.ON_ERROR
                + "' of table '" + table + "' (valid: "
                + String.join(", ", Arrays.stream(values()).map(ErrorPolicy::optionValue).toList()) + ")");
    }
}
