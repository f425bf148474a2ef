package dev.sluice.bench.nexmark;

/**
 * One generated Nexmark event: a {@link Person}, an {@link Auction} or a {@link Bid}. Each is written as
 * one flat JSON object to its own topic, with the field names of the Flink suite's columns and
 * {@code dateTime} as epoch milliseconds.
 */
public sealed interface NexmarkEvent permits Person, Auction, Bid {
    /** The event time, epoch milliseconds. */
    long dateTime();

    /** The record key written to Kafka (the event's id, or the auction a bid is for). */
    String key();

    /** The flat JSON object written to Kafka. */
    String toJson();

    /** Appends {@code "name": "value"} with JSON string escaping. */
    static void appendString(StringBuilder sb, String name, String value) {
        sb.append('"').append(name).append("\": \"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
