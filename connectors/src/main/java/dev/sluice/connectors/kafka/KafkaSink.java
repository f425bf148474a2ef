package dev.sluice.connectors.kafka;

import static java.util.Objects.requireNonNull;

import dev.sluice.connectors.format.JsonRowEncoder;
import dev.sluice.execution.sink.StreamSink;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each row as one Kafka record whose value is a JSON object of the row's columns (see
 * {@link JsonRowEncoder}), with an idempotent producer waiting for all in-sync replicas.
 *
 * <p>A column named {@code key} becomes the record key (as UTF-8 text) and is left out of the value, as
 * are columns named like the other Kafka metadata columns ({@code partition}, {@code offset},
 * {@code timestamp}), which Kafka assigns itself. Rows whose key is NULL get no key.
 *
 * <p>Guarantee ({@code sink.delivery-guarantee}): <b>exactly-once</b> by default. Each batch is written
 * in one Kafka transaction with a marker saying which batch it is ({@link TransactionalWriter}); a batch
 * replayed after a crash whose transaction had committed is not written again, and one whose transaction
 * had not is written again (its first attempt was aborted and is invisible to readers with
 * {@code isolation.level=read_committed}). With {@code at-least-once}, no transaction: {@link #addBatch}
 * returns once every record is acknowledged, and a replayed batch is written again.
 * Called by one thread at a time.
 */
public final class KafkaSink implements StreamSink {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaSink.class);

    private final String table;
    private final String topic;
    /** The at-least-once producer; null when exactly-once. */
    private final KafkaProducer<byte[], byte[]> producer;
    /** The exactly-once writer; null when at-least-once. */
    private final TransactionalWriter transactions;
    /** Where batch markers are committed: partition 0 of the sink's topic (it exists; any would do). */
    private final TopicPartition markerPartition;

    // Layout of the last schema seen; batches of a query all have the same schema.
    private RowSchema schema;
    private int keyIndex;
    private int[] valueIndexes;
    private JsonRowEncoder encoder;

    private KafkaSink(String table, String topic, KafkaProducer<byte[], byte[]> producer,
                      TransactionalWriter transactions) {
        this.table = table;
        this.topic = topic;
        this.producer = producer;
        this.transactions = transactions;
        this.markerPartition = new TopicPartition(topic, 0);
    }

    /**
     * Opens a sink writing to the table's topic, which must exist.
     *
     * @throws dev.sluice.execution.source.SourceException if the topic does not exist or Kafka can't be
     *         reached within the API timeout
     */
    static KafkaSink open(KafkaTableOptions options, String bootstrapServers, String queryId) {
        requireNonNull(options, "options is null");
        KafkaClientProperties clientProperties = new KafkaClientProperties(bootstrapServers, options.table(),
                options.clientProperties());
        try (KafkaMetadataClient metadata = new KafkaMetadataClient(options.table(), clientProperties)) {
            metadata.partitions(options.topic());
        }
        if (options.sinkDeliveryGuarantee() == DeliveryGuarantee.AT_LEAST_ONCE) {
            return new KafkaSink(options.table(), options.topic(), new KafkaProducer<>(clientProperties.producer("sink")),
                    null);
        }
        String id = options.transactionalIdPrefix() + "-" + queryId + "-sink";
        return new KafkaSink(options.table(), options.topic(), null, new TransactionalWriter(id, id,
                clientProperties.producer("sink"), clientProperties.admin(), clientProperties.apiTimeoutMs()));
    }

    public String topic() {
        return topic;
    }

    /**
     * Writes every row of the batches: in one transaction with the batch's marker (exactly-once; a batch
     * whose marker is already committed is skipped), or sent and acknowledged (at-least-once).
     *
     * @throws IOException naming the table, topic and batch if the batch could not be written; exactly-once,
     *         none of its records are then visible to read_committed readers, and the batch may be retried
     */
    @Override
    public void addBatch(long batchId, RowSchema schema, List<VectorSchemaRoot> batches) throws IOException {
        prepare(schema);
        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicLong failed = new AtomicLong();
        if (transactions != null) {
            try {
                writeTransaction(batchId, batches, failure, failed);
            } catch (KafkaException e) {
                transactions.abort();
                failure.compareAndSet(null, e);
            }
        } else {
            try {
                for (VectorSchemaRoot root : batches) {
                    send(root, (record, callback) -> producer.send(record, callback), failure, failed);
                }
            } catch (KafkaException e) {
                failure.compareAndSet(null, e);
            } finally {
                producer.flush();
            }
        }
        Exception e = failure.get();
        if (e != null) {
            throw new IOException("Failed to write batch " + batchId + " of table '" + table + "' to topic '" + topic
                    + "'" + (failed.get() > 0 ? " (" + failed.get() + " record(s) failed)" : "")
                    + (transactions != null ? " in transaction '" + transactions.transactionalId() + "'" : "")
                    + ": " + e.getMessage(), e);
        }
    }

    private void writeTransaction(long batchId, List<VectorSchemaRoot> batches, AtomicReference<Exception> failure,
                                  AtomicLong failed) {
        // Markers hold the next batch to write, so batch 0 is distinguishable from "nothing written".
        if (transactions.markerOf(markerPartition) > batchId) {
            LOG.info("Batch {} of table '{}' is already committed to topic '{}' (transaction '{}'); not written again",
                    batchId, table, topic, transactions.transactionalId());
            return;
        }
        if (batches.stream().allMatch(root -> root.getRowCount() == 0)) {
            return;  // nothing a replay could duplicate
        }
        transactions.begin();
        for (VectorSchemaRoot root : batches) {
            send(root, transactions::send, failure, failed);
        }
        if (failure.get() == null) {
            transactions.commit(markerPartition, batchId + 1);
        } else {
            transactions.abort();
        }
    }

    private void send(VectorSchemaRoot root, BiConsumer<ProducerRecord<byte[], byte[]>, Callback> sender,
                      AtomicReference<Exception> failure, AtomicLong failed) {
        List<FieldVector> vectors = root.getFieldVectors();
        List<FieldVector> valueVectors = new ArrayList<>(valueIndexes.length);
        for (int i : valueIndexes) {
            valueVectors.add(vectors.get(i));
        }
        // A view over the caller's value vectors for the encoder; not closed, the caller owns the vectors.
        VectorSchemaRoot values = new VectorSchemaRoot(valueVectors.stream().map(FieldVector::getField).toList(),
                valueVectors, root.getRowCount());
        FieldVector keyVector = keyIndex < 0 ? null : vectors.get(keyIndex);
        for (int row = 0; row < root.getRowCount(); row++) {
            byte[] key = keyVector == null ? null : keyBytes(keyVector, row);
            sender.accept(new ProducerRecord<>(topic, key, encoder.encode(values, row)), (metadata, e) -> {
                if (e != null) {
                    failed.incrementAndGet();
                    failure.compareAndSet(null, e);
                }
            });
        }
    }

    private static byte[] keyBytes(FieldVector vector, int row) {
        if (vector.isNull(row)) {
            return null;
        }
        if (vector instanceof VarCharVector text) {
            return text.get(row);
        }
        return VectorValues.format(VectorValues.get(vector, row)).getBytes(StandardCharsets.UTF_8);
    }

    private void prepare(RowSchema batchSchema) {
        if (batchSchema.equals(schema)) {
            return;
        }
        keyIndex = batchSchema.indexOf(KafkaMetadataColumn.KEY.columnName());
        List<Column> valueColumns = new ArrayList<>();
        List<Integer> indexes = new ArrayList<>();
        for (int i = 0; i < batchSchema.size(); i++) {
            Column c = batchSchema.column(i);
            if (KafkaMetadataColumn.byName(c.name()).isEmpty()) {
                valueColumns.add(c);
                indexes.add(i);
            }
        }
        RowSchema valueSchema = new RowSchema(valueColumns);
        valueIndexes = indexes.stream().mapToInt(Integer::intValue).toArray();
        encoder = new JsonRowEncoder(valueSchema);
        schema = batchSchema;
    }

    /** Kafka unreachable for now ({@link KafkaOutage}): the query waits and gives the batch again. */
    @Override
    public Optional<String> unreachable(Throwable failure) {
        return KafkaOutage.causes(failure) ? Optional.of("Kafka (topic '" + topic + "' of table '" + table + "')")
                : Optional.empty();
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
        } else {
            transactions.close();
        }
    }

    /** How messages name this sink. */
    @Override
    public String toString() {
        return "the Kafka table '" + table + "' (topic '" + topic + "')";
    }
}
