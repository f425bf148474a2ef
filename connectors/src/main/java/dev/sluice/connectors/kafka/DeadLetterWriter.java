package dev.sluice.connectors.kafka;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes records that could not be decoded to a table's dead-letter topic, unchanged (key, value, headers),
 * with headers saying why and where they came from, one offset range of a source partition at a time
 * ({@link #open}).
 *
 * <p>Exactly-once ({@code dead-letter.delivery-guarantee}, the default): the dead letters of a range are
 * written in one transaction, per source partition ({@link TransactionalWriter}, transactional id
 * {@code <prefix>-<query id>-dlq-<table>-<topic>-<partition>}, markers in group
 * {@code <prefix>-<query id>-dlq-<table>}), committed with the range's end offset as the
 * partition's marker. A range re-read after a crash (a batch is re-run with exactly its logged ranges)
 * finds its marker committed and writes nothing again. Two readers of the same partition (a self-join)
 * take turns, and the second finds the range written. At-least-once: one shared plain producer.
 *
 * <p>Thread-safe; each {@link Range} is used by one thread.
 */
final class DeadLetterWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterWriter.class);
    /** The decoding error. */
    static final String ERROR_HEADER = "sluice.error";
    /** Topic, partition and offset of the original record. */
    static final String TOPIC_HEADER = "sluice.topic";
    static final String PARTITION_HEADER = "sluice.partition";
    static final String OFFSET_HEADER = "sluice.offset";

    private final String topic;
    private final KafkaClientProperties clientProperties;
    /** The transactional id prefix, {@code <prefix>-<query id>-dlq-<table>}; null when at-least-once. */
    private final String transactionalIdPrefix;
    /** At-least-once: created on first use. */
    private KafkaProducer<byte[], byte[]> producer;
    /** Exactly-once: a writer and a lock per source partition, created on first use. */
    private final Map<TopicPartition, TransactionalWriter> writers = new HashMap<>();
    private final Map<TopicPartition, ReentrantLock> locks = new HashMap<>();
    private boolean closed;

    /**
     * @param transactionalIdPrefix the prefix of the per-partition transactional ids (and the marker group),
     *     or null for at-least-once
     */
    DeadLetterWriter(KafkaClientProperties clientProperties, String topic, String transactionalIdPrefix) {
        this.clientProperties = requireNonNull(clientProperties, "clientProperties is null");
        this.topic = requireNonNull(topic, "topic is null");
        this.transactionalIdPrefix = transactionalIdPrefix;
    }

    String topic() {
        return topic;
    }

    /**
     * Starts writing the dead letters of the offset range of {@code source} ending at {@code untilOffset};
     * the caller ends it with {@link Range#commit()} or {@link Range#abort()}. Exactly-once, this waits
     * while another range of the same partition is open.
     *
     * @throws KafkaException if the transactional producer can't be opened
     */
    Range open(TopicPartition source, long untilOffset) {
        if (transactionalIdPrefix == null) {
            return new Range(sharedProducer(), null, null, source, untilOffset);
        }
        ReentrantLock lock;
        TransactionalWriter writer;
        synchronized (this) {
            checkOpen();
            lock = locks.computeIfAbsent(source, p -> new ReentrantLock());
            writer = writers.computeIfAbsent(source, p -> new TransactionalWriter(
                    transactionalIdPrefix + "-" + p.topic() + "-" + p.partition(), transactionalIdPrefix,
                    clientProperties.producer("dead-letter"), clientProperties.admin(), clientProperties.apiTimeoutMs()));
        }
        lock.lock();
        try {
            return new Range(null, writer, lock, source, untilOffset);
        } catch (RuntimeException e) {
            lock.unlock();
            throw e;
        }
    }

    private synchronized KafkaProducer<byte[], byte[]> sharedProducer() {
        checkOpen();
        if (producer == null) {
            producer = new KafkaProducer<>(clientProperties.producer("dead-letter"));
        }
        return producer;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("Dead-letter writer of topic '" + topic + "' is closed");
        }
    }

    /** The dead letters of one offset range of one source partition. */
    final class Range {
        private final KafkaProducer<byte[], byte[]> plain;
        private final TransactionalWriter transactional;
        private final ReentrantLock lock;
        private final TopicPartition source;
        private final long untilOffset;
        /** Exactly-once: the range's dead letters are already committed (a re-run); write nothing. */
        private final boolean written;
        private final AtomicReference<Exception> failure = new AtomicReference<>();
        private boolean begun;
        private boolean ended;

        private Range(KafkaProducer<byte[], byte[]> plain, TransactionalWriter transactional, ReentrantLock lock,
                      TopicPartition source, long untilOffset) {
            this.plain = plain;
            this.transactional = transactional;
            this.lock = lock;
            this.source = source;
            this.untilOffset = untilOffset;
            this.written = transactional != null && transactional.markerOf(source) >= untilOffset;
            if (written) {
                LOG.info("The dead letters of {} up to offset {} are already in topic '{}'; not written again", source,
                        untilOffset, topic);
            }
        }

        /**
         * Sends a copy of the record at {@code offset} of {@code partition} (its key, value and headers) with
         * headers naming {@code reason} and where it came from.
         */
        void write(TopicPartition partition, long offset, byte[] key, byte[] value, Header[] recordHeaders,
                String reason) {
            if (written) {
                return;
            }
            RecordHeaders headers = new RecordHeaders();
            for (Header h : recordHeaders) {
                headers.add(h);
            }
            headers.add(ERROR_HEADER, utf8(reason));
            headers.add(TOPIC_HEADER, utf8(partition.topic()));
            headers.add(PARTITION_HEADER, utf8(Integer.toString(partition.partition())));
            headers.add(OFFSET_HEADER, utf8(Long.toString(offset)));
            ProducerRecord<byte[], byte[]> copy = new ProducerRecord<>(topic, null, null, key, value, headers);
            Callback callback = (metadata, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                }
            };
            if (plain != null) {
                plain.send(copy, callback);
                return;
            }
            if (!begun) {
                transactional.begin();
                begun = true;
            }
            transactional.send(copy, callback);
        }

        /**
         * Makes every dead letter written so far durable (exactly-once: visible, with the range's marker).
         *
         * @throws KafkaException if any could not be written
         */
        void commit() {
            try {
                if (plain != null) {
                    plain.flush();
                } else if (begun) {
                    transactional.commit(source, untilOffset);
                }
                Exception e = failure.get();
                if (e != null) {
                    throw e instanceof KafkaException k ? k : new KafkaException(e);
                }
            } finally {
                end();
            }
        }

        /** Abandons the range: exactly-once, nothing of it becomes visible. */
        void abort() {
            if (ended) {
                return;
            }
            try {
                if (transactional != null) {
                    transactional.abort();
                }
            } finally {
                end();
            }
        }

        private void end() {
            if (!ended) {
                ended = true;
                if (lock != null) {
                    lock.unlock();
                }
            }
        }
    }

    @Override
    public void close() {
        KafkaProducer<byte[], byte[]> plain;
        Map<TopicPartition, TransactionalWriter> open;
        synchronized (this) {
            closed = true;
            plain = producer;
            open = Map.copyOf(writers);
        }
        if (plain != null) {
            plain.close(Duration.ofSeconds(10));
        }
        open.values().forEach(TransactionalWriter::close);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
