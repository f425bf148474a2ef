package dev.sluice.connectors.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes records that could not be decoded to a table's dead-letter topic, unchanged (key, value, headers),
 * with headers saying why and where they came from. Thread-safe (one producer shared by all readers of a
 * source).
 */
final class DeadLetterWriter implements AutoCloseable {
    /** The decoding error. */
    static final String ERROR_HEADER = "sluice.error";
    /** Topic, partition and offset of the original record. */
    static final String TOPIC_HEADER = "sluice.topic";
    static final String PARTITION_HEADER = "sluice.partition";
    static final String OFFSET_HEADER = "sluice.offset";

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;

    DeadLetterWriter(Map<String, Object> producerProperties, String topic) {
        this.producer = new KafkaProducer<>(producerProperties);
        this.topic = topic;
    }

    String topic() {
        return topic;
    }

    /** Sends a copy of {@code record} asynchronously; {@code callback} learns whether it was written. */
    void write(ConsumerRecord<byte[], byte[]> record, String reason, Callback callback) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : record.headers()) {
            headers.add(h);
        }
        headers.add(ERROR_HEADER, utf8(reason));
        headers.add(TOPIC_HEADER, utf8(record.topic()));
        headers.add(PARTITION_HEADER, utf8(Integer.toString(record.partition())));
        headers.add(OFFSET_HEADER, utf8(Long.toString(record.offset())));
        producer.send(new ProducerRecord<>(topic, null, null, record.key(), record.value(), headers), callback);
    }

    /** Waits until every record sent so far is written or has failed. */
    void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
