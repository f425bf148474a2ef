package dev.sluice.connectors.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * A {@link KafkaConsumer} assigned to one partition (no group), read record by record at explicit offsets.
 *
 * <p>Keeps the records of its last poll that were not consumed, so a reader of the next offset range
 * (which starts where the previous one ended) continues without re-fetching them. Used by one reader at a
 * time; pooled by {@link PartitionConsumerPool}.
 */
final class PartitionConsumer implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicPartition partition;
    private List<ConsumerRecord<byte[], byte[]>> polled = List.of();
    private int next;
    /** Every offset below this has been consumed or does not exist (compaction, transaction markers). */
    private long position = -1;

    PartitionConsumer(Map<String, Object> properties, TopicPartition partition) {
        this.partition = partition;
        this.consumer = new KafkaConsumer<>(properties);
        consumer.assign(List.of(partition));
    }

    TopicPartition partition() {
        return partition;
    }

    /** Continues from {@code offset}: keeps polled records if they continue there, else seeks. */
    void seek(long offset) {
        if (offset == position) {
            return;
        }
        consumer.seek(partition, offset);
        polled = List.of();
        next = 0;
        position = offset;
    }

    /** Every offset below this has been consumed, or does not exist. */
    long position() {
        return position;
    }

    /**
     * The next record at or after {@link #position()}, without consuming it; null if none arrived within
     * {@code timeout} (the position may still have advanced past offsets that hold no record).
     *
     * @throws org.apache.kafka.clients.consumer.OffsetOutOfRangeException if the position is not in the log
     */
    ConsumerRecord<byte[], byte[]> peek(Duration timeout) {
        if (next < polled.size()) {
            return polled.get(next);
        }
        polled = consumer.poll(timeout).records(partition);
        next = 0;
        if (polled.isEmpty()) {
            // Control records (transaction markers) and compacted-away offsets move the position without records.
            position = Math.max(position, consumer.position(partition));
            return null;
        }
        return polled.get(0);
    }

    /** Consumes the record {@link #peek} returned. */
    void consume() {
        position = polled.get(next++).offset() + 1;
    }

    /** The earliest and end offsets of the partition now, for error messages. */
    long[] availableOffsets(Duration timeout) {
        long earliest = consumer.beginningOffsets(List.of(partition), timeout).get(partition);
        long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
        return new long[] {earliest, end};
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
