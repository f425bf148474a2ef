package dev.sluice.connectors.kafka;

import dev.sluice.connectors.format.RecordDecoder;
import dev.sluice.connectors.format.RecordDecoderException;
import dev.sluice.execution.source.MalformedRecordException;
import dev.sluice.execution.source.OffsetRange;
import dev.sluice.execution.source.PartitionReader;
import dev.sluice.execution.source.ScanSpec;
import dev.sluice.execution.source.SourceException;
import dev.sluice.execution.source.SourcePartition;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.RowSchema;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads exactly the offsets {@code [from, until)} of one Kafka partition into Arrow batches, decoding record
 * values straight into the vectors of the requested columns with the table's format. Every record value is
 * checked against all the table's declared columns, so the same records are malformed whatever columns a query
 * reads.
 *
 * <p>A table with a primary key is a table of upserts: a record without its key's columns is malformed, and a
 * tombstone (a null value) is a delete of its key, decoded from the record key with the key format into the
 * key's columns and flagged in {@link dev.sluice.execution.source.StreamSource#DELETED_COLUMN} when the scan
 * reads it (a scan that does not gets no row for it).
 *
 * <p>Uses a pooled {@link PartitionConsumer} (assign and seek, no group, no commits). Offsets may have gaps
 * (compaction, transaction markers): the range is done once the consumer's position reaches {@code until}.
 * Records that can't be decoded are handled by the table's {@link ErrorPolicy}; with
 * {@link ErrorPolicy#DEAD_LETTER} the dead-letter writes are flushed before the reader reports the range done.
 * Not thread-safe.
 */
final class KafkaPartitionReader implements PartitionReader {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaPartitionReader.class);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    /** Expected bytes per VARCHAR value when sizing a batch; vectors grow past it as needed. */
    private static final double VARCHAR_DENSITY = 16;

    private final KafkaSource source;
    private final OffsetRange range;
    private final SourcePartition partition;
    private final int maxBatchRows;
    private final KafkaProjection projection;
    private final BufferAllocator allocator;
    private final RecordDecoder decoder;
    /**
     * With a primary key and the deleted flag read: the decoder of a tombstone's key into the key's columns among
     * the value columns ({@link #keyVectorIndexes}); else null.
     */
    private final RecordDecoder keyDecoder;
    /** Indexes in {@link #valueVectors} of the primary key's columns the scan reads. */
    private final int[] keyVectorIndexes;
    /** Whether the table has a primary key: its records are upserts, a null value a tombstone. */
    private final boolean upserts;
    private final ErrorPolicy errorPolicy;
    private final long readTimeoutNanos;
    private final PartitionConsumer consumer;
    /** The range's dead letters, opened at the first malformed record under {@link ErrorPolicy#DEAD_LETTER}. */
    private DeadLetterWriter.Range deadLetters;
    private String deadLetterTopic;

    // Vectors of the batch being filled, by role (null if not requested).
    private final List<FieldVector> valueVectors;
    private IntVector partitionVector;
    private BigIntVector offsetVector;
    private TimeStampMilliVector timestampVector;
    private VarCharVector keyVector;
    private VarCharVector topicVector;
    private BitVector deletedVector;
    /** The partition's topic as UTF-8, written into the topic column of every row. */
    private final byte[] topicBytes;

    private long malformedRecords;
    /** Tombstones of a table with a primary key, read by a scan that takes no deletes: no row (see DELETED_COLUMN). */
    private long tombstonesSkipped;
    private String firstMalformed;
    private boolean healthy = true;
    private boolean finished;
    private boolean closed;

    KafkaPartitionReader(KafkaSource source, ScanSpec spec, KafkaProjection projection, BufferAllocator allocator) {
        this.source = source;
        this.range = spec.range();
        this.partition = range.partition();
        this.topicBytes = partition.topic().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        this.maxBatchRows = spec.maxBatchRows();
        this.projection = projection;
        this.allocator = allocator;
        KafkaTableOptions options = source.options();
        // Every record is checked against all declared columns, also when the query reads only some or none
        // of them (e.g. COUNT(*), metadata columns): which records are malformed must not depend on the columns.
        this.decoder = options.valueFormat().decoder(projection.valueColumns());
        List<Column> keyColumns = new ArrayList<>();
        List<Integer> keyIndexes = new ArrayList<>();
        for (Column k : options.keyColumns().columns()) {
            int index = projection.valueColumns().indexOf(k.name());
            if (index >= 0) {
                keyColumns.add(k);
                keyIndexes.add(index);
            }
        }
        this.keyVectorIndexes = keyIndexes.stream().mapToInt(Integer::intValue).toArray();
        this.upserts = options.keyFormat().isPresent();
        this.keyDecoder = options.keyFormat().isPresent() && projection.deletedIndex() >= 0
                ? options.keyFormat().get().decoder(new RowSchema(keyColumns)) : null;
        this.valueVectors = new ArrayList<>(projection.valueColumns().size());
        this.errorPolicy = options.errorPolicy();
        this.readTimeoutNanos = options.readTimeout().toNanos();
        if (range.isEmpty()) {
            this.consumer = null;
            this.finished = true;
        } else {
            this.consumer = source.consumerPool().borrow(new TopicPartition(partition.topic(), partition.partition()));
            try {
                consumer.seek(range.fromOffset());
            } catch (RuntimeException e) {
                source.consumerPool().release(consumer, false);
                throw new SourceException("Can't seek to offset " + range.fromOffset() + " of " + partition
                        + " (table '" + source.name() + "'): " + e.getMessage(), e);
            }
        }
    }

    /**
     * The next batch, at most {@code maxBatchRows} rows and never empty, or null once the range is done.
     * The caller owns and closes the returned root.
     */
    @Override
    public VectorSchemaRoot next() {
        if (closed) {
            throw new IllegalStateException("Reader of " + partition + " is closed");
        }
        if (finished) {
            return null;
        }
        VectorSchemaRoot root = VectorSchemaRoot.create(projection.arrowSchema(), allocator);
        boolean returned = false;
        try {
            int expectedRows = (int) Math.max(1, Math.min(maxBatchRows, range.untilOffset() - consumer.position()));
            allocate(root, expectedRows);
            int rows = fill();
            if (rows == 0) {
                return null;
            }
            root.setRowCount(rows);
            returned = true;
            return root;
        } finally {
            if (!returned) {
                root.close();
            }
        }
    }

    private void allocate(VectorSchemaRoot root, int expectedRows) {
        valueVectors.clear();
        partitionVector = null;
        offsetVector = null;
        timestampVector = null;
        keyVector = null;
        topicVector = null;
        List<FieldVector> vectors = root.getFieldVectors();
        deletedVector = projection.deletedIndex() >= 0 ? (BitVector) vectors.get(projection.deletedIndex()) : null;
        for (FieldVector v : vectors) {
            if (v instanceof BaseVariableWidthVector variableWidth) {
                variableWidth.setInitialCapacity(expectedRows, VARCHAR_DENSITY);
            } else {
                v.setInitialCapacity(expectedRows);
            }
            v.allocateNew();
        }
        for (int i = 0; i < projection.valueColumns().size(); i++) {
            valueVectors.add(vectors.get(projection.valueColumnOutputIndex(i)));
        }
        for (int i = 0; i < vectors.size(); i++) {
            KafkaMetadataColumn meta = projection.metadataColumn(i);
            if (meta != null) {
                switch (meta) {
                    case PARTITION -> partitionVector = (IntVector) vectors.get(i);
                    case OFFSET -> offsetVector = (BigIntVector) vectors.get(i);
                    case TIMESTAMP -> timestampVector = (TimeStampMilliVector) vectors.get(i);
                    case KEY -> keyVector = (VarCharVector) vectors.get(i);
                    case TOPIC -> topicVector = (VarCharVector) vectors.get(i);
                }
            }
        }
        decoder.bind(valueVectors);
        if (keyDecoder != null) {
            List<FieldVector> keyVectors = new ArrayList<>(keyVectorIndexes.length);
            for (int i : keyVectorIndexes) {
                keyVectors.add(valueVectors.get(i));
            }
            keyDecoder.bind(keyVectors);
        }
    }

    /** Reads records into the bound vectors until the batch is full or the range done; returns the rows. */
    private int fill() {
        long until = range.untilOffset();
        int rows = 0;
        long waitingSince = -1;
        while (rows < maxBatchRows) {
            if (consumer.position() >= until) {
                finish();
                break;
            }
            ConsumerRecord<ByteBuffer, ByteBuffer> record = poll();
            if (record == null) {
                long now = System.nanoTime();
                if (waitingSince < 0) {
                    waitingSince = now;
                } else if (now - waitingSince > readTimeoutNanos) {
                    throw stalled();
                }
                continue;
            }
            waitingSince = -1;
            if (record.offset() >= until) {
                finish(); // the rest of the range holds no records
                break;
            }
            consumer.consume();
            if (read(record, rows)) {
                rows++;
            }
        }
        return rows;
    }

    private ConsumerRecord<ByteBuffer, ByteBuffer> poll() {
        try {
            return consumer.peek(POLL_INTERVAL);
        } catch (OffsetOutOfRangeException e) {
            healthy = false;
            throw outOfRange(e);
        } catch (KafkaException e) {
            healthy = false;
            throw new SourceException("Failed to read " + partition + " of table '" + source.name() + "' at offset "
                    + consumer.position() + " from Kafka at '" + source.bootstrapServers() + "': " + e.getMessage(), e);
        }
    }

    /**
     * Decodes one record into {@code row}; false if it is malformed and the policy skips it, or a tombstone the
     * scan takes no row for.
     */
    private boolean read(ConsumerRecord<ByteBuffer, ByteBuffer> record, int row) {
        boolean tombstone = record.value() == null && upserts;
        if (tombstone && deletedVector == null) {
            tombstonesSkipped++;
            return false;
        }
        try {
            if (tombstone) {
                decodeTombstone(record, row);
            } else {
                decoder.decode(record.value(), row);
                checkKey(row);
            }
        } catch (RecordDecoderException e) {
            malformed(record, e.reason());
            return false;
        }
        if (deletedVector != null) {
            deletedVector.setSafe(row, tombstone ? 1 : 0);
        }
        if (partitionVector != null) {
            partitionVector.setSafe(row, record.partition());
        }
        if (offsetVector != null) {
            offsetVector.setSafe(row, record.offset());
        }
        if (timestampVector != null) {
            timestampVector.setSafe(row, record.timestamp());
        }
        if (topicVector != null) {
            topicVector.setSafe(row, topicBytes);
        }
        if (keyVector != null) {
            ByteBuffer key = record.key();
            if (key == null) {
                keyVector.setNull(row);
            } else {
                keyVector.setSafe(row, key, key.position(), key.remaining());
            }
        }
        return true;
    }

    /** A tombstone: its key's columns from the record key, every other column NULL. */
    private void decodeTombstone(ConsumerRecord<ByteBuffer, ByteBuffer> record, int row) throws RecordDecoderException {
        for (FieldVector v : valueVectors) {
            v.setNull(row);
        }
        if (record.key() == null) {
            throw new RecordDecoderException("a tombstone (a null value) without a key deletes no key");
        }
        try {
            keyDecoder.decode(record.key(), row);
        } catch (RecordDecoderException e) {
            throw new RecordDecoderException("the key of a tombstone (a null value): " + e.reason());
        }
        checkKey(row);
    }

    /** A primary key column is NOT NULL: a record without one is no row of any key. */
    private void checkKey(int row) throws RecordDecoderException {
        for (int i : keyVectorIndexes) {
            FieldVector v = valueVectors.get(i);
            if (v.isNull(row)) {
                for (FieldVector other : valueVectors) {
                    other.setNull(row);
                }
                throw new RecordDecoderException("primary key column '" + v.getName() + "' is NULL");
            }
        }
    }

    private void malformed(ConsumerRecord<ByteBuffer, ByteBuffer> record, String reason) {
        if (errorPolicy == ErrorPolicy.FAIL) {
            throw new MalformedRecordException(source.name(), partition, record.offset(), reason);
        }
        malformedRecords++;
        if (firstMalformed == null) {
            firstMalformed = "offset " + record.offset() + ": " + reason;
        }
        LOG.debug("Skipping malformed record of table '{}' at {} offset {}: {}", source.name(), partition,
                record.offset(), reason);
        if (errorPolicy == ErrorPolicy.DEAD_LETTER) {
            if (deadLetters == null) {
                DeadLetterWriter writer = source.deadLetterWriter();
                deadLetterTopic = writer.topic();
                try {
                    deadLetters = writer.open(new TopicPartition(partition.topic(), partition.partition()),
                            range.untilOffset());
                } catch (KafkaException e) {
                    throw deadLetterFailure(e);
                }
            }
            deadLetters.write(record, reason);
        }
    }

    /** Marks the range done, once every dead letter of it is written. */
    private void finish() {
        finished = true;
        if (deadLetters != null) {
            try {
                deadLetters.commit();
            } catch (KafkaException e) {
                throw deadLetterFailure(e);
            }
        }
        if (tombstonesSkipped > 0) {
            LOG.debug("{} tombstone(s) of table '{}' in {} offsets [{}, {}) gave no row (the scan keeps the latest row "
                    + "per key itself)", tombstonesSkipped, source.name(), partition, range.fromOffset(), range.untilOffset());
        }
        if (malformedRecords > 0) {
            LOG.warn("Skipped {} malformed record(s) of table '{}' in {} offsets [{}, {}){} (first at {})",
                    malformedRecords, source.name(), partition, range.fromOffset(), range.untilOffset(),
                    deadLetters == null ? "" : ", written to dead-letter topic '" + deadLetterTopic + "'",
                    firstMalformed);
        }
    }

    private SourceException deadLetterFailure(KafkaException e) {
        return new SourceException("Failed to write malformed records of table '" + source.name() + "' (" + partition
                + " offsets [" + range.fromOffset() + ", " + range.untilOffset() + ")) to dead-letter topic '"
                + deadLetterTopic + "': " + e.getMessage(), e);
    }

    /** The range's records exist but did not arrive: Kafka can't be reached, an outage ({@link KafkaOutage}). */
    private SourceException stalled() {
        String message = "No record of " + partition + " (table '" + source.name() + "') arrived for "
                + TimeUnit.NANOSECONDS.toMillis(readTimeoutNanos) + " ms while reading offsets [" + range.fromOffset()
                + ", " + range.untilOffset() + ") at offset " + consumer.position() + " from Kafka at '"
                + source.bootstrapServers() + "' (option '" + KafkaTableOptions.SCAN_READ_TIMEOUT_MS + "')";
        return new SourceException(message, new TimeoutException(message));
    }

    private SourceException outOfRange(OffsetOutOfRangeException e) {
        String available;
        try {
            long[] offsets = consumer.availableOffsets(Duration.ofMillis(source.apiTimeoutMs()));
            available = "available offsets are [" + offsets[0] + ", " + offsets[1] + ")"
                    + (range.fromOffset() < offsets[0] ? "; older records were deleted by retention" : "");
        } catch (RuntimeException lookupFailure) {
            available = "available offsets unknown: " + lookupFailure.getMessage();
        }
        return new SourceException("Offset " + consumer.position() + " of " + partition + " (table '" + source.name()
                + "', reading offsets [" + range.fromOffset() + ", " + range.untilOffset() + ")) is out of range: "
                + available, e);
    }

    @Override
    public long malformedRecords() {
        return malformedRecords;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (deadLetters != null) {
            deadLetters.abort();  // no-op once committed
        }
        if (consumer != null) {
            source.consumerPool().release(consumer, healthy);
        }
    }
}
