package dev.sluice.connectors.kafka;

import java.util.Arrays;

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

    /** Every option value, for the option's definition ({@code KafkaTableOptions}). */
    static String[] optionValues() {
        return Arrays.stream(values()).map(ErrorPolicy::optionValue).toArray(String[]::new);
    }

    /** The policy of an option value the option's definition accepted. */
    static ErrorPolicy of(String optionValue) {
        for (ErrorPolicy policy : values()) {
            if (policy.optionValue.equals(optionValue)) {
                return policy;
            }
        }
        throw new IllegalArgumentException("No error policy '" + optionValue + "'");
    }
}
