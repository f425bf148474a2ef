package dev.sluice.connectors.kafka;

import static java.util.Objects.requireNonNull;

import dev.sluice.connectors.format.Format;
import dev.sluice.connectors.format.RecordEncoder;
import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.sink.BatchWriter;
import dev.sluice.execution.sink.StreamSink;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
 * Writes each row as one Kafka record whose value is the row's columns in the table's format ({@code 'format'}:
 * a JSON object, a CSV line, ...), with an idempotent producer waiting for all in-sync replicas.
 *
 * <p>A table with a primary key ({@code PRIMARY KEY (...) NOT ENFORCED}) is written as Flink's upsert-kafka
 * writes it: each record keyed by the row's key columns in the key format ({@code 'key.format'}, by default the
 * JSON object of the key's columns), so that a later record of a key
 * replaces an earlier one (in a compacted topic, in a reader keeping the latest row per key); such a table
 * takes a result that updates rows ({@link #addChanges}), a delete written as a tombstone (a null value) for
 * its key.
 *
 * <p>Without a primary key, a column named {@code key} becomes the record key (as UTF-8 text) and is left out of the value, as
 * are columns named like the other Kafka metadata columns ({@code partition}, {@code offset},
 * {@code timestamp}), which Kafka assigns itself. Rows whose key is NULL get no key.
 *
 * <p>Guarantee ({@code sink.delivery-guarantee}): <b>exactly-once</b> by default. Each batch is written
 * in one Kafka transaction with a marker saying which batch it is ({@link TransactionalWriter}); a batch
 * replayed after a crash whose transaction had committed is not written again, and one whose transaction
 * had not is written again (its first attempt was aborted and is invisible to readers with
 * {@code isolation.level=read_committed}). With {@code at-least-once}, no transaction: {@link #addBatch}
 * returns once every record is acknowledged, and a replayed batch is written again. A query's rows are sent as
 * they come ({@link #openBatch}), while the batch runs; its commit (the transaction's, or the acknowledgements)
 * waits for the batch's end.
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
    /** The table's primary key columns; empty if it has none. */
    private final List<String> primaryKey;
    private final Format valueFormat;
    /** The key's format; null without a primary key. */
    private final Format keyFormat;

    // Layout of the last schema seen; batches of a query all have the same schema.
    private RowSchema schema;
    private int keyIndex;
    private int[] valueIndexes;
    private RecordEncoder encoder;
    /** The primary key's column indexes and encoder; null without a primary key. */
    private int[] keyIndexes;
    private RecordEncoder keyEncoder;

    private KafkaSink(KafkaTableOptions options, List<String> primaryKey, KafkaProducer<byte[], byte[]> producer,
                      TransactionalWriter transactions) {
        this.table = options.table();
        this.topic = options.topic();
        this.primaryKey = List.copyOf(primaryKey);
        this.valueFormat = options.valueFormat();
        this.keyFormat = options.keyFormat().orElse(null);
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
    static KafkaSink open(KafkaTableOptions options, List<String> primaryKey, String bootstrapServers,
                          String queryId) {
        requireNonNull(options, "options is null");
        KafkaClientProperties clientProperties = new KafkaClientProperties(bootstrapServers, options.table(),
                options.clientProperties());
        try (KafkaMetadataClient metadata = new KafkaMetadataClient(options.table(), clientProperties)) {
            metadata.partitions(options.topic());
        }
        if (options.sinkDeliveryGuarantee() == DeliveryGuarantee.AT_LEAST_ONCE) {
            return new KafkaSink(options, primaryKey, new KafkaProducer<>(clientProperties.producer("sink")), null);
        }
        String id = options.transactionalIdPrefix() + "-" + queryId + "-sink";
        TransactionalWriter writer = new TransactionalWriter(id, id, clientProperties.producer("sink"),
                clientProperties.admin(), clientProperties.apiTimeoutMs());
        // Its producer opens while the query opens its sources and plans its first batch, not in the first batch.
        writer.openInBackground(options.topic());
        return new KafkaSink(options, primaryKey, null, writer);
    }

    public String topic() {
        return topic;
    }

    /**
     * Writes every row of the batches: in one transaction with the batch's marker (exactly-once; a batch
     * whose marker is already committed is skipped), or sent and acknowledged (at-least-once). With a primary
     * key, each record is keyed by the JSON of its key columns.
     *
     * @throws IOException naming the table, topic and batch if the batch could not be written; exactly-once,
     *         none of its records are then visible to read_committed readers, and the batch may be retried
     */
    @Override
    public void addBatch(long batchId, RowSchema schema, List<VectorSchemaRoot> batches) throws IOException {
        try (RecordWriter writer = openBatch(batchId, schema)) {
            for (VectorSchemaRoot root : batches) {
                writer.write(root);
            }
            writer.commit();
        }
    }

    /** Rows as they come: the producer sends them while the batch runs, and only the commit waits for its end. */
    @Override
    public boolean writesRowsAsTheyCome() {
        return true;
    }

    /**
     * Opens batch {@code batchId} for rows written as they come: sent as they are written, in the batch's
     * transaction (begun at its first record; exactly-once), which {@link BatchWriter#commit} commits with the
     * batch's marker and a close without the commit aborts; or sent at once, and acknowledged by the commit
     * (at-least-once). A batch whose marker is already committed is not written again.
     */
    @Override
    public RecordWriter openBatch(long batchId, RowSchema schema) {
        prepare(schema);
        return new RecordWriter(batchId);
    }

    /** With a primary key: changes are written as upserts and tombstones by key. */
    @Override
    public boolean takesChanges() {
        return !primaryKey.isEmpty();
    }

    @Override
    public Optional<String> howToTakeChanges() {
        return Optional.of("declare the result's unique key as the primary key of table '" + table
                + "' (PRIMARY KEY (...) NOT ENFORCED): its records are then upserts by key and a delete a tombstone");
    }

    /**
     * Writes the batch's changes as upserts (Flink's upsert-kafka): the net change of each key in the batch, as
     * one record keyed by the key's columns (in the key format): the key's new row, or a tombstone (null value) if the
     * batch deleted its row. A delete and an insert of the same key (an update) thus leave the insert, whatever
     * their order in the batch. Same transaction per batch and marker as {@link #addBatch}.
     *
     * @throws IOException as {@link #addBatch}, or naming the key if the batch leaves two rows with one key (the
     *         declared primary key is not unique in the query's result)
     */
    @Override
    public void addChanges(long batchId, RowSchema schema, List<ChangeBatch> changes) throws IOException {
        if (primaryKey.isEmpty()) {
            throw new UnsupportedOperationException(this + " has no primary key: it takes inserts only");
        }
        prepare(schema);
        List<ProducerRecord<byte[], byte[]>> upserts = upserts(batchId, changes);
        try (RecordWriter writer = new RecordWriter(batchId)) {
            for (ProducerRecord<byte[], byte[]> record : upserts) {
                writer.send(record);
            }
            writer.commit();
        }
    }

    /** The batch's net change per key, in the order of each key's last change. */
    private List<ProducerRecord<byte[], byte[]>> upserts(long batchId, List<ChangeBatch> changes) throws IOException {
        // Key -> (row -> net weight); re-inserted on each change, so iteration follows each key's last change.
        Map<ByteBuffer, Map<ByteBuffer, Integer>> net = new LinkedHashMap<>();
        for (ChangeBatch change : changes) {
            VectorSchemaRoot keys = keyView(change.rows());
            VectorSchemaRoot values = valueView(change.rows());
            for (int row = 0; row < change.rowCount(); row++) {
                ByteBuffer key = ByteBuffer.wrap(keyEncoder.encode(keys, row));
                byte[] encoded = encoder.encode(values, row);
                if (encoded == null) {
                    throw new IOException("Batch " + batchId + " of table '" + table + "' (topic '" + topic + "') has a "
                            + "row whose value its format writes as no value, which an upsert table reads as a delete");
                }
                ByteBuffer value = ByteBuffer.wrap(encoded);
                Map<ByteBuffer, Integer> rowsOfKey = net.remove(key);
                if (rowsOfKey == null) {
                    rowsOfKey = new LinkedHashMap<>();
                }
                rowsOfKey.merge(value, change.weight(row), Integer::sum);
                net.put(key, rowsOfKey);
            }
        }
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(net.size());
        for (Map.Entry<ByteBuffer, Map<ByteBuffer, Integer>> e : net.entrySet()) {
            byte[] key = e.getKey().array();
            List<ByteBuffer> inserted = new ArrayList<>();
            boolean deleted = false;
            for (Map.Entry<ByteBuffer, Integer> r : e.getValue().entrySet()) {
                for (int n = 0; n < r.getValue(); n++) {
                    inserted.add(r.getKey());
                }
                deleted |= r.getValue() < 0;
            }
            if (inserted.size() > 1) {
                throw new IOException("Batch " + batchId + " of table '" + table + "' (topic '" + topic + "') has "
                        + inserted.size() + " rows with primary key " + new String(key, StandardCharsets.UTF_8) + " "
                        + primaryKey + ": the primary key of the table is not unique in the query's result, so an "
                        + "upsert would lose a row. Declare the result's unique key as the table's primary key. Rows: "
                        + inserted.stream().map(b -> new String(b.array(), StandardCharsets.UTF_8)).toList());
            }
            if (inserted.size() == 1) {
                records.add(new ProducerRecord<>(topic, key, inserted.get(0).array()));
            } else if (deleted) {
                records.add(new ProducerRecord<>(topic, key, null));
            }
        }
        return records;
    }

    /**
     * One batch's records on their way to the topic: in one transaction with the batch's marker, begun at its first
     * record, unless the marker says the batch is written (exactly-once); or sent at once and acknowledged by the
     * commit (at-least-once). A failed record or send fails the commit (or the write), naming the table, topic and
     * batch; exactly-once, none of the batch's records are then visible to read_committed readers.
     */
    final class RecordWriter implements BatchWriter {
        private final long batchId;
        private final AtomicReference<Exception> failure = new AtomicReference<>();
        private final AtomicLong failed = new AtomicLong();
        private final Callback callback = (metadata, e) -> {
            if (e != null) {
                failed.incrementAndGet();
                failure.compareAndSet(null, e);
            }
        };
        /** Exactly-once: whether the marker says the batch is written; null until the first record or commit. */
        private Boolean written;
        private boolean begun;
        private boolean committed;

        private RecordWriter(long batchId) {
            this.batchId = batchId;
        }

        @Override
        public void write(VectorSchemaRoot root) throws IOException {
            VectorSchemaRoot values = valueView(root);
            VectorSchemaRoot keys = keyEncoder == null ? null : keyView(root);
            FieldVector keyColumn = keyIndex < 0 ? null : root.getVector(keyIndex);
            for (int row = 0; row < root.getRowCount(); row++) {
                byte[] key = keys != null ? keyEncoder.encode(keys, row)
                        : keyColumn == null ? null : keyBytes(keyColumn, row);
                send(new ProducerRecord<>(topic, key, encoder.encode(values, row)));
            }
        }

        void send(ProducerRecord<byte[], byte[]> record) throws IOException {
            try {
                if (transactions == null) {
                    producer.send(record, callback);
                } else if (!alreadyWritten()) {
                    if (!begun) {
                        transactions.begin();
                        begun = true;
                    }
                    transactions.send(record, callback);
                }
            } catch (KafkaException e) {
                // Thrown, it is the cause: the records the closed producer then failed ("Producer is closed
                // forcefully") may have reported first, and would hide a retriable cause.
                failure.set(e);
                throw failure();
            }
        }

        @Override
        public void commit() throws IOException {
            try {
                if (transactions == null) {
                    producer.flush();
                } else if (!alreadyWritten() && begun && failure.get() == null) {
                    transactions.commit(markerPartition, batchId + 1);
                }
            } catch (KafkaException e) {
                failure.set(e);  // as in send: the commit's own failure is the cause
            }
            if (failure.get() != null) {
                throw failure();
            }
            committed = true;
        }

        /** Markers hold the next batch to write, so batch 0 is distinguishable from "nothing written". */
        private boolean alreadyWritten() {
            if (written == null) {
                written = transactions.markerOf(markerPartition) > batchId;
                if (written) {
                    LOG.info("Batch {} of table '{}' is already committed to topic '{}' (transaction '{}'); not written"
                            + " again", batchId, table, topic, transactions.transactionalId());
                }
            }
            return written;
        }

        private IOException failure() {
            Exception e = failure.get();
            return new IOException("Failed to write batch " + batchId + " of table '" + table + "' to topic '" + topic
                    + "'" + (failed.get() > 0 ? " (" + failed.get() + " record(s) failed)" : "")
                    + (transactions != null ? " in transaction '" + transactions.transactionalId() + "'" : "")
                    + ": " + e.getMessage(), e);
        }

        /** Aborts the batch's transaction unless it committed; at-least-once, what was sent stays sent. */
        @Override
        public void close() {
            if (transactions != null && begun && !committed) {
                transactions.abort();
            }
        }
    }

    /** A view over the root's value columns (not to be closed: the caller owns the vectors). */
    private VectorSchemaRoot valueView(VectorSchemaRoot root) {
        return view(root, valueIndexes);
    }

    /** A view over the root's primary key columns (not to be closed). */
    private VectorSchemaRoot keyView(VectorSchemaRoot root) {
        return view(root, keyIndexes);
    }

    private static VectorSchemaRoot view(VectorSchemaRoot root, int[] indexes) {
        List<FieldVector> vectors = new ArrayList<>(indexes.length);
        for (int i : indexes) {
            vectors.add(root.getVector(i));
        }
        return new VectorSchemaRoot(vectors.stream().map(FieldVector::getField).toList(), vectors, root.getRowCount());
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
        encoder = valueFormat.encoder(valueSchema);
        if (!primaryKey.isEmpty()) {
            List<Column> keyColumns = new ArrayList<>();
            keyIndexes = new int[primaryKey.size()];
            for (int k = 0; k < primaryKey.size(); k++) {
                String name = primaryKey.get(k);
                int index = -1;
                for (int i = 0; i < batchSchema.size(); i++) {
                    if (batchSchema.column(i).name().equalsIgnoreCase(name)) {
                        index = i;
                    }
                }
                if (index < 0) {
                    throw new IllegalArgumentException("The primary key column '" + name + "' of table '" + table
                            + "' is not among the columns written " + batchSchema.names());
                }
                keyIndexes[k] = index;
                keyColumns.add(batchSchema.column(index));
            }
            keyEncoder = keyFormat.encoder(new RowSchema(keyColumns));
        }
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
