package dev.sluice.connectors.kafka;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * A {@link KafkaConsumer} assigned to a group of partitions (no consumer group), read at explicit offsets; one
 * fetch brings records of all the partitions being read, as Kafka's own consumer reads many partitions.
 * {@link #assign} moves it to another group.
 *
 * <p>Partitions not being read ({@link #readOnly}) are paused: Kafka fetches nothing more of them, and keeps
 * what it fetched of them for when they are read again. Records a poll returned past the end of a range are
 * held ({@link #hold}) and returned first when the partition is read again, so a reader of the next offset
 * range (which starts where the previous one ended) continues without fetching them again. Used by one reader
 * at a time; pooled by {@link PartitionConsumerPool}.
 */
final class PartitionConsumer implements AutoCloseable {
    private final KafkaConsumer<ByteBuffer, ByteBuffer> consumer;
    private List<TopicPartition> assignment = List.of();
    /** What Kafka's consumer is assigned now: the assignment but the partitions {@link #drop}ped since. */
    private List<TopicPartition> assigned = List.of();
    /**
     * Per partition sought since it was assigned: every offset below has been consumed or does not exist
     * (compaction, transaction markers).
     */
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    /** Records polled but not consumed, per partition, in offset order, starting at the partition's position. */
    private final Map<TopicPartition, List<ConsumerRecord<ByteBuffer, ByteBuffer>>> held = new HashMap<>();
    /** The partitions being read (not paused). */
    private final Set<TopicPartition> reading = new HashSet<>();

    /** A consumer assigned to no partition yet: {@link #assign} first. */
    PartitionConsumer(Map<String, Object> properties) {
        this.consumer = new KafkaConsumer<>(properties);
    }

    /** The partitions it is assigned to, in the order given to {@link #assign}. */
    List<TopicPartition> assignment() {
        return assignment;
    }

    /**
     * Assigns it to {@code partitions}, none of them read until {@link #readOnly}: what it fetched or holds of
     * partitions it keeps is kept; the position of a partition new to it is unknown until {@link #seek}.
     */
    void assign(List<TopicPartition> partitions) {
        if (!partitions.equals(assigned)) {
            consumer.assign(partitions);
            assignment = List.copyOf(partitions);
            assigned = assignment;
            positions.keySet().retainAll(assignment);
            held.keySet().retainAll(assignment);
            reading.retainAll(assignment);
        }
        readOnly(List.of());
    }

    /** Continues {@code partition} from {@code offset}: keeps what it fetched or holds if it continues there, else seeks. */
    void seek(TopicPartition partition, long offset) {
        Long position = positions.get(partition);
        if (position == null || position != offset) {
            consumer.seek(partition, offset);
            held.remove(partition);
            positions.put(partition, offset);
        }
    }

    /**
     * Whether Kafka's consumer has fetched all of {@code partition} it knows of (its position is the log end of the
     * partition's last fetch): then nothing of it is prefetched beyond what it returned.
     */
    boolean fetchedToEnd(TopicPartition partition) {
        OptionalLong lag = consumer.currentLag(partition);
        return lag.isPresent() && lag.getAsLong() == 0;
    }

    /** Every offset of the partition below this has been consumed, or does not exist. */
    long position(TopicPartition partition) {
        return requireNonNull(positions.get(partition), () -> partition + " was not sought");
    }

    /** Reads (fetches and polls) these of its partitions, none else. */
    void readOnly(Collection<TopicPartition> partitions) {
        Set<TopicPartition> read = new HashSet<>(partitions);
        List<TopicPartition> others = new ArrayList<>();
        for (TopicPartition p : assigned) {
            if (!read.contains(p)) {
                others.add(p);
            }
        }
        consumer.pause(others);
        consumer.resume(read);
        reading.clear();
        reading.addAll(read);
    }

    /**
     * Stops reading {@code partition} and drops what was fetched of it (it leaves Kafka's assignment; its
     * {@link #assignment} stays, and the next {@link #assign} of the same partitions puts it back, to be sought).
     */
    void drop(TopicPartition partition) {
        if (!assigned.contains(partition)) {
            return;
        }
        List<TopicPartition> rest = new ArrayList<>(assigned.size() - 1);
        for (TopicPartition p : assigned) {
            if (!p.equals(partition)) {
                rest.add(p);
            }
        }
        consumer.assign(rest);
        assigned = rest;
        reading.remove(partition);
        positions.remove(partition);
        held.remove(partition);
    }

    /** Reads {@code partition} too. */
    void startReading(TopicPartition partition) {
        if (reading.add(partition)) {
            consumer.resume(List.of(partition));
        }
    }

    /** Stops reading {@code partition}: nothing more of it is fetched; what was fetched is kept. */
    void stopReading(TopicPartition partition) {
        if (reading.remove(partition)) {
            consumer.pause(List.of(partition));
        }
    }

    /**
     * The next records of the partitions being read, per partition in offset order, each list starting at the
     * partition's position: what it holds first, else one poll of at most {@code timeout}. Empty if nothing
     * arrived; the positions of partitions without records may then have moved past offsets that hold none.
     * The caller tells what it consumed with {@link #consumed}, and gives back records it did not consume with
     * {@link #hold}.
     *
     * @throws org.apache.kafka.clients.consumer.OffsetOutOfRangeException if a position is not in the log
     */
    Map<TopicPartition, List<ConsumerRecord<ByteBuffer, ByteBuffer>>> poll(Duration timeout) {
        Map<TopicPartition, List<ConsumerRecord<ByteBuffer, ByteBuffer>>> records = new HashMap<>();
        Iterator<Map.Entry<TopicPartition, List<ConsumerRecord<ByteBuffer, ByteBuffer>>>> heldRecords =
                held.entrySet().iterator();
        while (heldRecords.hasNext()) {
            Map.Entry<TopicPartition, List<ConsumerRecord<ByteBuffer, ByteBuffer>>> e = heldRecords.next();
            if (reading.contains(e.getKey())) {
                records.put(e.getKey(), e.getValue());
                heldRecords.remove();
            }
        }
        if (!records.isEmpty()) {
            return records;
        }
        ConsumerRecords<ByteBuffer, ByteBuffer> polled = consumer.poll(timeout);
        for (TopicPartition p : polled.partitions()) {
            records.put(p, polled.records(p));
        }
        if (records.isEmpty()) {
            // Control records (transaction markers) and compacted-away offsets move the position without records.
            for (TopicPartition p : reading) {
                positions.merge(p, consumer.position(p), Math::max);
            }
        }
        return records;
    }

    /** Every offset of {@code partition} below {@code position} has been consumed. */
    void consumed(TopicPartition partition, long position) {
        positions.put(partition, position);
    }

    /** Keeps records of a poll that were not consumed (offset order, from the partition's position) for later. */
    void hold(TopicPartition partition, List<ConsumerRecord<ByteBuffer, ByteBuffer>> records) {
        if (!records.isEmpty()) {
            // A copy, not a view pinning the whole poll; unmodifiable as Kafka's own lists of a poll are, so that the
            // reader's loop over a poll's records meets one list class (a second one made C2 compile it again).
            held.put(partition, Collections.unmodifiableList(new ArrayList<>(records)));
        }
    }

    /** Unassigns every partition: what it fetched and holds is dropped. */
    void unassign() {
        consumer.unsubscribe();
        assignment = List.of();
        assigned = List.of();
        positions.clear();
        held.clear();
        reading.clear();
    }

    /** How many of its partitions it reads now. */
    int partitionsRead() {
        return reading.size();
    }

    /** The partitions Kafka's consumer is assigned now: its assignment but those {@link #drop}ped since. */
    List<TopicPartition> assignedInKafka() {
        return assigned;
    }

    /** Records of its polls that it holds, not consumed. */
    int heldRecords() {
        return held.values().stream().mapToInt(List::size).sum();
    }

    /** The earliest and end offsets of a partition now, for error messages. */
    long[] availableOffsets(TopicPartition partition, Duration timeout) {
        long earliest = consumer.beginningOffsets(List.of(partition), timeout).get(partition);
        long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
        return new long[] {earliest, end};
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
