package dev.sluice.connectors.kafka;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * A {@link KafkaConsumer} assigned to one partition at a time (no group), read record by record at explicit
 * offsets; {@link #assign} moves it to another partition.
 *
 * <p>Keeps the records of its last poll that were not consumed, so a reader of the next offset range
 * (which starts where the previous one ended) continues without re-fetching them; once all are consumed it
 * drops them, so that an idle consumer holds no records (256 idle consumers each holding their last poll's
 * records ran a 1 GB heap out of memory). Used by one reader at a time; pooled by {@link PartitionConsumerPool}.
 */
final class PartitionConsumer implements AutoCloseable {
    private final KafkaConsumer<ByteBuffer, ByteBuffer> consumer;
    private TopicPartition partition;
    private List<ConsumerRecord<ByteBuffer, ByteBuffer>> polled = List.of();
    private int next;
    /** Every offset below this has been consumed or does not exist (compaction, transaction markers). */
    private long position = -1;

    /** A consumer assigned to no partition yet: {@link #assign} first. */
    PartitionConsumer(Map<String, Object> properties) {
        this.consumer = new KafkaConsumer<>(properties);
    }

    /** The partition it is assigned to; null before the first {@link #assign}. */
    TopicPartition partition() {
        return partition;
    }

    /**
     * Moves the consumer to {@code other}: what it fetched of its partition is dropped, and the position is
     * unknown until {@link #seek}.
     */
    void assign(TopicPartition other) {
        if (other.equals(partition)) {
            return;
        }
        consumer.assign(List.of(other));
        partition = other;
        polled = List.of();
        next = 0;
        position = -1;
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
    ConsumerRecord<ByteBuffer, ByteBuffer> peek(Duration timeout) {
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
        if (next == polled.size()) {
            polled = List.of();  // no reference to consumed records
            next = 0;
        }
    }

    /** Records of its last poll that it still holds (consumed records are dropped). */
    int heldRecords() {
        return polled.size();
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
