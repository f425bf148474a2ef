package dev.sluice.connectors.kafka;

import java.util.Arrays;

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

    /** Every option value, for the options' definitions ({@code KafkaTableOptions}). */
    static String[] optionValues() {
        return Arrays.stream(values()).map(DeliveryGuarantee::optionValue).toArray(String[]::new);
    }

    /** The guarantee of an option value the option's definition accepted. */
    static DeliveryGuarantee of(String optionValue) {
        for (DeliveryGuarantee guarantee : values()) {
            if (guarantee.optionValue.equals(optionValue)) {
                return guarantee;
            }
        }
        throw new IllegalArgumentException("No delivery guarantee '" + optionValue + "'");
    }
}
