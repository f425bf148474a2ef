package dev.sluice.connectors.kafka;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idle {@link PartitionConsumer}s of one source, at most one per partition. Creating a consumer costs
 * connections and metadata requests, so the reader of a partition's next offset range reuses the one that
 * read the previous range. Thread-safe; closing the pool closes the idle consumers, and those released
 * afterwards.
 */
final class PartitionConsumerPool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionConsumerPool.class);

    private final Function<TopicPartition, PartitionConsumer> factory;
    private final Map<TopicPartition, PartitionConsumer> idle = new HashMap<>();
    private int created;
    private boolean closed;

    PartitionConsumerPool(Function<TopicPartition, PartitionConsumer> factory) {
        this.factory = factory;
    }

    /** An idle consumer of the partition, or a new one. The caller gives it back with {@link #release}. */
    PartitionConsumer borrow(TopicPartition partition) {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("The source is closed");
            }
            PartitionConsumer consumer = idle.remove(partition);
            if (consumer != null) {
                return consumer;
            }
            created++;
        }
        return factory.apply(partition);
    }

    /** Takes back a borrowed consumer; one that failed ({@code healthy} false) is closed instead. */
    void release(PartitionConsumer consumer, boolean healthy) {
        synchronized (this) {
            if (healthy && !closed && !idle.containsKey(consumer.partition())) {
                idle.put(consumer.partition(), consumer);
                return;
            }
        }
        closeQuietly(consumer);
    }

    /** How many consumers this pool has created. */
    synchronized int created() {
        return created;
    }

    @Override
    public void close() {
        List<PartitionConsumer> toClose;
        synchronized (this) {
            closed = true;
            toClose = new ArrayList<>(idle.values());
            idle.clear();
        }
        toClose.forEach(PartitionConsumerPool::closeQuietly);
    }

    private static void closeQuietly(PartitionConsumer consumer) {
        try {
            consumer.close();
        } catch (RuntimeException e) {
            LOG.warn("Failed to close the Kafka consumer of {}", consumer.partition(), e);
        }
    }
}
