package dev.sluice.connectors.kafka;

import java.util.Arrays;
import java.util.Locale;

/** How often a record written to Kafka by Sluice (a sink's row, a dead letter) may appear to its readers. */
public enum DeliveryGuarantee {
    /**
     * Each batch is written in a Kafka transaction that also records which batch it was; a batch re-run
     * after a crash finds its transaction committed and is not written again. Readers with
     * {@code isolation.level=read_committed} see every record exactly once.
     */
    EXACTLY_ONCE("exactly-once"),
    /** No transaction: a batch re-run after a crash is written again, so readers may see its records twice. */
    AT_LEAST_ONCE("at-least-once");

    private final String optionValue;

    DeliveryGuarantee(String optionValue) {
        this.optionValue = optionValue;
    }

    public String optionValue() {
        return optionValue;
    }

    /** @throws IllegalArgumentException naming the option and the table */
    public static DeliveryGuarantee fromOptionValue(String value, String option, String table) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (DeliveryGuarantee guarantee : values()) {
            if (guarantee.optionValue.equals(v)) {
                return guarantee;
            }
        }
        throw new IllegalArgumentException("Invalid value '" + value + "' for option '" + option + "' of table '"
                + table + "' (valid: " + String.join(", ",
                Arrays.stream(values()).map(DeliveryGuarantee::optionValue).toList()) + ")");
    }
}
