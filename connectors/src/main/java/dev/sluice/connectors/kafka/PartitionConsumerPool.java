package dev.sluice.connectors.kafka;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link PartitionConsumer}s of one source: at most {@code capacity} of them, whatever the number of
 * partitions, each assigned to the partitions of one reader (one partition, or a group of them) and moved to
 * another group as readers need.
 *
 * <p>A consumer costs memory (the cluster metadata of its topics, its metrics, a prefetched fetch response of
 * up to {@code max.partition.fetch.bytes}), so one consumer per partition does not scale to topics of hundreds
 * of partitions (1,024 consumers of a 1,024-partition topic hold a million partition entries of metadata).
 * Readers run on the bounded task pool, so few consumers are ever in use at once, and a batch over many
 * partitions reads them in at most {@code BatchRunner.MAX_TASKS_PER_SCAN} groups, the same from batch to batch.
 * As Spark's Kafka consumer cache ({@code spark.kafka.consumer.cache.capacity}, 64) and Flink's source (one
 * consumer per reader, for all its partitions) do, the pool keeps a bounded number and reassigns them:
 * <ul>
 *   <li>{@link #borrow} gives the idle consumer of those partitions if there is one (it continues where the
 *       previous ranges of the partitions ended, with what it prefetched), else an idle consumer assigned to
 *       nothing (a reader of a group unassigns its consumer when done), else a new one while the pool holds
 *       fewer than {@code capacity}, else the least recently used idle consumer, {@link PartitionConsumer#assign
 *       assigned} to the partitions, else (every consumer busy) a new one;</li>
 *   <li>{@link #release} keeps the consumer idle, and closes the least recently used idle ones beyond
 *       {@code capacity}.</li>
 * </ul>
 * Thread-safe; closing the pool closes the idle consumers, and those released afterwards.
 */
final class PartitionConsumerPool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionConsumerPool.class);

    private final Supplier<PartitionConsumer> factory;
    private final int capacity;
    /** Idle consumers, least recently released first. */
    private final List<PartitionConsumer> idle = new ArrayList<>();
    private int busy;
    private int created;
    private int reassigned;
    private boolean closed;

    PartitionConsumerPool(int capacity, Supplier<PartitionConsumer> factory) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        this.factory = requireNonNull(factory, "factory is null");
    }

    /** A consumer assigned to the partitions. The caller gives it back with {@link #release}. */
    PartitionConsumer borrow(List<TopicPartition> partitions) {
        requireNonNull(partitions, "partitions is null");
        List<TopicPartition> group = List.copyOf(partitions);
        PartitionConsumer consumer;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("The source is closed");
            }
            consumer = takeIdle(group);
            if (consumer == null) {
                created++;
            }
            busy++;
        }
        try {
            if (consumer == null) {
                consumer = factory.get();
            }
            consumer.assign(group);
            return consumer;
        } catch (RuntimeException | Error e) {
            synchronized (this) {
                busy--;
            }
            if (consumer != null) {
                closeQuietly(consumer);
            }
            throw e;
        }
    }

    /** Takes back a borrowed consumer; one that failed ({@code healthy} false) is closed instead. */
    void release(PartitionConsumer consumer, boolean healthy) {
        List<PartitionConsumer> toClose = new ArrayList<>();
        synchronized (this) {
            busy--;
            if (healthy && !closed) {
                idle.add(consumer);
                while (busy + idle.size() > capacity && !idle.isEmpty()) {
                    toClose.add(idle.remove(0));
                }
            } else {
                toClose.add(consumer);
            }
        }
        toClose.forEach(PartitionConsumerPool::closeQuietly);
    }

    /**
     * The idle consumer to give for {@code group}: the one assigned to it, else one assigned to nothing, else
     * (when the pool is full) the least recently used; null to create one.
     */
    private PartitionConsumer takeIdle(List<TopicPartition> group) {
        for (int i = idle.size() - 1; i >= 0; i--) {
            if (idle.get(i).assignment().equals(group)) {
                return idle.remove(i);
            }
        }
        for (int i = 0; i < idle.size(); i++) {
            if (idle.get(i).assignment().isEmpty()) {
                return idle.remove(i);
            }
        }
        if (busy + idle.size() >= capacity && !idle.isEmpty()) {
            reassigned++;
            return idle.remove(0);
        }
        return null;
    }

    /** How many consumers this pool has created. */
    synchronized int created() {
        return created;
    }

    /** How many times an idle consumer was moved to other partitions. */
    synchronized int reassigned() {
        return reassigned;
    }

    /** Consumers open now, idle or borrowed. */
    synchronized int open() {
        return busy + idle.size();
    }

    /** Records that the idle consumers hold from their last polls. */
    synchronized int idleHeldRecords() {
        return idle.stream().mapToInt(PartitionConsumer::heldRecords).sum();
    }

    @Override
    public void close() {
        List<PartitionConsumer> toClose;
        synchronized (this) {
            closed = true;
            toClose = new ArrayList<>(idle);
            idle.clear();
        }
        toClose.forEach(PartitionConsumerPool::closeQuietly);
    }

    private static void closeQuietly(PartitionConsumer consumer) {
        try {
            consumer.close();
        } catch (RuntimeException e) {
            LOG.warn("Failed to close the Kafka consumer of {}", consumer.assignment(), e);
        }
    }
}
