package dev.sluice.api;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.time.LocalDateTime;
import java.util.Random;

/**
 * The {@code bids} table of the window tests (auction, price, an event time watermarked 1 s behind) over a topic of
 * two partitions, and the writing of bids to it at {@link #BASE} plus their time.
 */
final class BidsTable {
    static final long BASE = 1_700_000_000_000L;  // a multiple of 10 s
    /** A bid far ahead: its watermark closes every window of the rounds; it is in none of them. */
    static final long FLUSH = 1_000_000;

    private final String topic;
    /** The test's own random, which also picks each bid's partition. */
    private final Random random;

    /** Creates the topic and the table in {@code session}. */
    BidsTable(KafkaSessionFixture session, String topicPrefix, Random random) {
        this.topic = SharedKafkaBroker.createTopic(topicPrefix, 2);
        this.random = random;
        session.message("CREATE TABLE bids (auction BIGINT, price BIGINT, ts TIMESTAMP, WATERMARK FOR ts AS ts - "
                + "INTERVAL '1' SECOND) WITH ('connector'='kafka', 'topic'='" + topic + "', 'format'='json')");
    }

    /** Writes a bid at {@code t} ms after {@link #BASE} to a partition picked at random. */
    void produce(long auction, long price, long t) {
        SharedKafkaBroker.produce(topic, random.nextInt(2), null, "{\"auction\": " + auction + ", \"price\": " + price
                + ", \"ts\": " + (BASE + t) + "}");
    }

    /** The TIMESTAMP the table gives {@code millis} after {@link #BASE}. */
    static LocalDateTime time(long millis) {
        return LocalDateTime.of(2023, 11, 14, 22, 13, 20).plusNanos(millis * 1_000_000);
    }
}
