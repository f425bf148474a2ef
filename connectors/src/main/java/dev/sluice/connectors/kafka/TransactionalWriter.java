package dev.sluice.connectors.kafka;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes units of records (a sink's micro-batch, the dead letters of one offset range) each in one Kafka
 * transaction, together with a <em>marker</em>: an offset committed in the same transaction to a consumer
 * group of the writer's own ({@code sendOffsetsToTransaction}), e.g. "batch 41 is written". The records
 * and the marker become visible atomically, so after a crash the marker says exactly which units are
 * written: a replayed unit whose marker is committed is skipped, one whose transaction never committed
 * left nothing visible to {@code read_committed} readers and is written again. This is Kafka Streams'
 * way of tying output to progress (records and offsets in one transaction), with the checkpoint's batch
 * id in place of input offsets; it needs no two-phase commit (KIP-939) from the broker.
 *
 * <p>Fencing: the transactional id is stable for a query across restarts. Opening the producer
 * ({@code initTransactions}) fences a zombie producer of a killed process and completes or aborts its
 * last transaction, and only then are the markers read, so they are final. After any failure the
 * producer is closed; the next use opens a new one, which aborts whatever the failed one left open.
 *
 * <p>Lifecycle of a unit: {@link #markerOf} (skip if already written) &gt; {@link #begin} &gt;
 * {@link #send}... &gt; {@link #commit} (or {@link #abort}). Not thread-safe: one unit at a time.
 */
final class TransactionalWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionalWriter.class);
    /**
     * Kafka brokers' default {@code transaction.max.timeout.ms}: a batch may take up to this long to write
     * before the broker aborts its transaction. A killed process's open transaction is aborted sooner, when
     * the query restarts.
     */
    static final int DEFAULT_TRANSACTION_TIMEOUT_MS = 900_000;

    private final String transactionalId;
    private final String markerGroup;
    private final Map<String, Object> producerProperties;
    private final Map<String, Object> adminProperties;
    private final int apiTimeoutMs;
    /** Null until first use, and again after a failure. */
    private KafkaProducer<byte[], byte[]> producer;
    /** Committed markers by partition, read when the producer was opened and kept up to date since. */
    private final Map<TopicPartition, Long> markers = new HashMap<>();
    private boolean inTransaction;
    /** The producer being opened in the background ({@link #openInBackground}), until the first use joins it. */
    private FutureTask<Void> opening;

    /**
     * @param transactionalId the producer's transactional id, stable across restarts of the query
     * @param markerGroup the consumer group the markers are committed to
     * @param producerProperties an idempotent producer's settings; the transactional id is added
     */
    TransactionalWriter(String transactionalId, String markerGroup, Map<String, Object> producerProperties,
                        Map<String, Object> adminProperties, int apiTimeoutMs) {
        this.transactionalId = requireNonNull(transactionalId, "transactionalId is null");
        this.markerGroup = requireNonNull(markerGroup, "markerGroup is null");
        Map<String, Object> p = new HashMap<>(producerProperties);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, DEFAULT_TRANSACTION_TIMEOUT_MS);
        this.producerProperties = Map.copyOf(p);
        this.adminProperties = Map.copyOf(adminProperties);
        this.apiTimeoutMs = apiTimeoutMs;
    }

    String transactionalId() {
        return transactionalId;
    }

    /**
     * Starts opening the producer (initTransactions, then reading the markers: a few round trips to the broker)
     * on a thread of its own, then looks up the partitions of {@code topic} that the units will be written to, so
     * that it overlaps what the caller does next (opening the sources, the first batch) rather than waiting for
     * the first unit. The first use waits for it; if it failed, the first use opens the
     * producer again and fails there, as it would have without this.
     */
    void openInBackground(String topic) {
        requireNonNull(topic, "topic is null");
        if (producer != null || opening != null) {
            return;
        }
        FutureTask<Void> task = new FutureTask<>(() -> {
            openNow();
            // The topic's partitions, so that the first unit's first send does not wait for them.
            try {
                producer.partitionsFor(topic);
            } catch (KafkaException e) {
                LOG.debug("Looking up the partitions of topic '{}' failed; the first send will", topic, e);
            }
            return null;
        });
        Thread thread = new Thread(task, "sluice-open-" + transactionalId);
        thread.setDaemon(true);
        opening = task;
        thread.start();
    }

    /** Waits for the producer being opened in the background, if any; a failure there is left to the next open. */
    private void awaitOpening() {
        FutureTask<Void> task = opening;
        if (task == null) {
            return;
        }
        try {
            task.get();
            opening = null;
        } catch (ExecutionException | CancellationException e) {
            opening = null;
            LOG.debug("Opening transactional producer {} in the background failed; opening it again", transactionalId,
                    e.getCause() != null ? e.getCause() : e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new org.apache.kafka.common.errors.InterruptException(e);
        }
    }

    /**
     * The marker last committed for {@code partition}, or -1 if none. Opens the producer first if needed
     * (fencing any older producer with the same transactional id).
     *
     * @throws KafkaException if Kafka can't be reached or refuses the transactional id
     */
    long markerOf(TopicPartition partition) {
        open();
        return markers.getOrDefault(partition, -1L);
    }

    /** Starts a transaction; the producer is opened first if needed. */
    void begin() {
        open();
        try {
            producer.beginTransaction();
            inTransaction = true;
        } catch (KafkaException e) {
            reset();
            throw e;
        }
    }

    /** Sends a record in the open transaction; a failed record fails {@link #commit}. */
    void send(ProducerRecord<byte[], byte[]> record, Callback callback) {
        if (!inTransaction) {
            throw new IllegalStateException("No open transaction on " + transactionalId);
        }
        try {
            producer.send(record, callback);
        } catch (KafkaException e) {
            reset();
            throw e;
        }
    }

    /**
     * Commits the open transaction with {@code marker} for {@code partition}: every record sent in it
     * and the marker become visible together, or (on an exception) none of them.
     *
     * @throws KafkaException if the transaction could not be committed; it is then aborted, now or when
     *         the producer is next opened
     */
    void commit(TopicPartition partition, long marker) {
        if (!inTransaction) {
            throw new IllegalStateException("No open transaction on " + transactionalId);
        }
        try {
            producer.sendOffsetsToTransaction(Map.of(partition, new OffsetAndMetadata(marker, "sluice")),
                    new ConsumerGroupMetadata(markerGroup));
            producer.commitTransaction();
            inTransaction = false;
            markers.put(partition, marker);
        } catch (KafkaException e) {
            reset();
            throw e;
        }
    }

    /**
     * Aborts the open transaction, if any: nothing sent in it becomes visible, and read_committed readers of its
     * partitions go on past it at once (a batch that failed elsewhere, e.g. a task, may not run again soon, or
     * ever: an open transaction would hold them for up to the transaction timeout). If the broker can't be told
     * (the producer failed), the producer is dropped instead: the next one aborts what this one left open.
     */
    void abort() {
        if (!inTransaction) {
            return;
        }
        try {
            producer.abortTransaction();
            inTransaction = false;
        } catch (RuntimeException e) {
            LOG.debug("Aborting the transaction of {} failed; dropping its producer", transactionalId, e);
            reset();
        }
    }

    private void open() {
        awaitOpening();
        openNow();
    }

    private void openNow() {
        if (producer != null) {
            return;
        }
        KafkaProducer<byte[], byte[]> created = new KafkaProducer<>(producerProperties);
        try {
            created.initTransactions();
            Map<TopicPartition, Long> committed = readMarkers();
            producer = created;
            markers.clear();
            markers.putAll(committed);
            LOG.debug("Opened transactional producer {} with markers {}", transactionalId, committed);
        } catch (RuntimeException e) {
            created.close(Duration.ZERO);
            throw e;
        }
    }

    /** The group's committed offsets; stable ones only, as a pending transaction may still change them. */
    private Map<TopicPartition, Long> readMarkers() {
        try (Admin admin = Admin.create(adminProperties)) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(markerGroup,
                            new ListConsumerGroupOffsetsOptions().requireStable(true).timeoutMs(apiTimeoutMs))
                    .partitionsToOffsetAndMetadata().get(apiTimeoutMs + 5_000L, TimeUnit.MILLISECONDS);
            Map<TopicPartition, Long> result = new HashMap<>();
            offsets.forEach((tp, o) -> {
                if (o != null) {
                    result.put(tp, o.offset());
                }
            });
            return result;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof KafkaException k ? k
                    : new KafkaException("Can't read the markers of group '" + markerGroup + "'", e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new org.apache.kafka.common.errors.TimeoutException("Timed out reading the markers of group '"
                    + markerGroup + "' after " + apiTimeoutMs + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new org.apache.kafka.common.errors.InterruptException(e);
        }
    }

    /** Drops the producer; the next one aborts whatever this one left open. */
    private void reset() {
        inTransaction = false;
        if (producer != null) {
            try {
                producer.close(Duration.ZERO);
            } catch (RuntimeException e) {
                LOG.debug("Closing transactional producer {} failed", transactionalId, e);
            }
            producer = null;
        }
    }

    @Override
    public void close() {
        if (opening != null) {
            try {  // awaited, so that the producer it opens is closed here

                awaitOpening();
            } catch (RuntimeException e) {
                LOG.debug("Waiting for transactional producer {} to open failed", transactionalId, e);
            }
        }
        if (producer != null) {
            if (inTransaction) {
                reset();
                return;
            }
            producer.close(Duration.ofSeconds(10));
            producer = null;
        }
    }
}
