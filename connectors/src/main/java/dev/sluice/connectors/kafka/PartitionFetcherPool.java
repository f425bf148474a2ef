package dev.sluice.connectors.kafka;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link PartitionFetcher}s of one source: at most {@code capacity} kept, whatever the number of
 * partitions. A fetcher holds its connections to the brokers and the metadata of the topics it read, nothing of
 * a partition once its range is done, so any idle fetcher serves any reader (as Spark's Kafka consumer cache and
 * Flink's one consumer per reader bound the clients of a source whatever its partitions).
 *
 * <p>{@link #borrow} gives the most recently released idle fetcher, else a new one; {@link #release} keeps it
 * idle and closes the least recently used ones beyond {@code capacity}. Thread-safe; closing the pool closes the
 * idle fetchers, and those released afterwards.
 */
final class PartitionFetcherPool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionFetcherPool.class);

    private final Supplier<PartitionFetcher> factory;
    private final int capacity;
    /** Idle fetchers, least recently released first. */
    private final List<PartitionFetcher> idle = new ArrayList<>();
    private int busy;
    private int created;
    private boolean closed;

    PartitionFetcherPool(int capacity, Supplier<PartitionFetcher> factory) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        this.factory = requireNonNull(factory, "factory is null");
    }

    /** A fetcher reading nothing yet. The caller gives it back with {@link #release}. */
    PartitionFetcher borrow() {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("The source is closed");
            }
            busy++;
            if (!idle.isEmpty()) {
                return idle.remove(idle.size() - 1);
            }
            created++;
        }
        try {
            return factory.get();
        } catch (RuntimeException | Error e) {
            synchronized (this) {
                busy--;
            }
            throw e;
        }
    }

    /** Takes back a borrowed fetcher, reading nothing; one that failed ({@code healthy} false) is closed instead. */
    void release(PartitionFetcher fetcher, boolean healthy) {
        List<PartitionFetcher> toClose = new ArrayList<>();
        synchronized (this) {
            busy--;
            if (healthy && !closed) {
                idle.add(fetcher);
                while (busy + idle.size() > capacity && !idle.isEmpty()) {
                    toClose.add(idle.remove(0));
                }
            } else {
                toClose.add(fetcher);
            }
        }
        toClose.forEach(PartitionFetcherPool::closeQuietly);
    }

    /** How many fetchers this pool has created. */
    synchronized int created() {
        return created;
    }

    /** Fetchers open now, idle or borrowed. */
    synchronized int open() {
        return busy + idle.size();
    }

    @Override
    public void close() {
        List<PartitionFetcher> toClose;
        synchronized (this) {
            closed = true;
            toClose = new ArrayList<>(idle);
            idle.clear();
        }
        toClose.forEach(PartitionFetcherPool::closeQuietly);
    }

    private static void closeQuietly(PartitionFetcher fetcher) {
        try {
            fetcher.close();
        } catch (RuntimeException e) {
            LOG.warn("Failed to close a Kafka fetcher", e);
        }
    }
}
