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
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * Writes each row as one Kafka record whose value is a JSON object of the row's columns (see
 * {@link JsonRowEncoder}), with an idempotent producer waiting for all in-sync replicas.
 *
 * <p>A column named {@code key} becomes the record key (as UTF-8 text) and is left out of the value, as
 * are columns named like the other Kafka metadata columns ({@code partition}, {@code offset},
 * {@code timestamp}), which Kafka assigns itself. Rows whose key is NULL get no key.
 *
 * <p>Guarantee: <b>at-least-once</b>. {@link #addBatch} returns once every record of the batch is
 * acknowledged; a batch replayed after a crash is written again, so readers may see its records twice.
 * Called by one thread at a time.
 */
public final class KafkaSink implements StreamSink {
    private final String table;
    private final String topic;
    private final KafkaProducer<byte[], byte[]> producer;

    // Layout of the last schema seen; batches of a query all have the same schema.
    private RowSchema schema;
    private int keyIndex;
    private int[] valueIndexes;
    private JsonRowEncoder encoder;

    private KafkaSink(String table, String topic, KafkaProducer<byte[], byte[]> producer) {
        this.table = table;
        this.topic = topic;
        this.producer = producer;
    }

    /**
     * Opens a sink writing to the table's topic, which must exist.
     *
     * @throws dev.sluice.execution.source.SourceException if the topic does not exist or Kafka can't be
     *         reached within the API timeout
     */
    static KafkaSink open(KafkaTableOptions options, String bootstrapServers) {
        requireNonNull(options, "options is null");
        KafkaClientProperties clientProperties = new KafkaClientProperties(bootstrapServers, options.table(),
                options.clientProperties());
        try (KafkaMetadataClient metadata = new KafkaMetadataClient(options.table(), clientProperties)) {
            metadata.partitions(options.topic());
        }
        return new KafkaSink(options.table(), options.topic(), new KafkaProducer<>(clientProperties.producer("sink")));
    }

    public String topic() {
        return topic;
    }

    /**
     * Sends every row of the batches, then waits until all are acknowledged.
     *
     * @throws IOException naming the table, topic and batch if any record could not be written (some of the
     *         batch's records may have been written)
     */
    @Override
    public void addBatch(long batchId, RowSchema schema, List<VectorSchemaRoot> batches) throws IOException {
        prepare(schema);
        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicLong failed = new AtomicLong();
        try {
            for (VectorSchemaRoot root : batches) {
                send(root, failure, failed);
            }
        } catch (KafkaException e) {
            failure.compareAndSet(null, e);
        } finally {
            producer.flush();
        }
        Exception e = failure.get();
        if (e != null) {
            throw new IOException("Failed to write batch " + batchId + " of table '" + table + "' to topic '" + topic
                    + "'" + (failed.get() > 0 ? " (" + failed.get() + " record(s) failed)" : "") + ": " + e.getMessage(), e);
        }
    }

    private void send(VectorSchemaRoot root, AtomicReference<Exception> failure, AtomicLong failed) {
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
            producer.send(new ProducerRecord<>(topic, key, encoder.encode(values, row)), (metadata, e) -> {
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
        producer.close(Duration.ofSeconds(10));
    }
}
