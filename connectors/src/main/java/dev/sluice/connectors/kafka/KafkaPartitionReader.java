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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads exactly the offsets {@code [from, until)} of each range of a scan (one partition, or a group of them)
 * into Arrow batches, decoding record values straight into the vectors of the requested columns with the table's
 * format. Every record value is checked against all the table's declared columns, so the same records are
 * malformed whatever columns a query reads.
 *
 * <p>One pooled {@link PartitionFetcher} reads all the scan's partitions (one partition, or a group of them):
 * each fetch brings records of many of them, so a group of short ranges (a batch over hundreds of partitions)
 * costs about what one long range does. Records are decoded where they lie in the fetch response
 * ({@link PartitionRecords}) into a batch per partition as they arrive; a batch is returned when it is full, when
 * its range is done, or when the open batches together hold {@code maxBatchRows} rows (the largest goes first),
 * so a reader holds about one batch's rows whatever the number of its partitions.
 *
 * <p>A table with a primary key is a table of upserts: a record without its key's columns is malformed, and a
 * tombstone (a null value) is a delete of its key, decoded from the record key with the key format into the
 * key's columns and flagged in {@link dev.sluice.execution.source.StreamSource#DELETED_COLUMN} when the scan
 * reads it (a scan that does not gets no row for it).
 *
 * <p>Offsets may have gaps (compaction, transaction markers): a range is done once its position (past the
 * records and skipped batches read) reaches {@code until}. Records that can't be decoded are handled by the table's
 * {@link ErrorPolicy}; with {@link ErrorPolicy#DEAD_LETTER} a range's dead-letter writes are flushed before its
 * last batch is returned. Not thread-safe.
 */
final class KafkaPartitionReader implements PartitionReader {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaPartitionReader.class);
    private static final long POLL_INTERVAL_MS = 100;
    /** Expected bytes per VARCHAR value when sizing a batch; vectors grow past it as needed. */
    private static final double VARCHAR_DENSITY = 16;
    /** The fewest rows a partition's batch is first sized for (it grows past them as needed). */
    private static final int MIN_BATCH_CAPACITY = 1024;

    private final KafkaSource source;
    private final int maxBatchRows;
    private final KafkaProjection projection;
    private final BufferAllocator allocator;
    private final RecordDecoder decoder;
    /**
     * With a primary key and the deleted flag read: the decoder of a tombstone's key into the key's columns among
     * the value columns ({@link #keyVectorIndexes}); else null.
     */
    private final RecordDecoder keyDecoder;
    /** Indexes in a batch's value vectors of the primary key's columns the scan reads. */
    private final int[] keyVectorIndexes;
    /** Whether the table has a primary key: its records are upserts, a null value a tombstone. */
    private final boolean upserts;
    private final ErrorPolicy errorPolicy;
    private final long readTimeoutNanos;
    /** The fetcher of the scan's partitions; null if every range is empty. */
    private final PartitionFetcher fetcher;
    /** The scan's ranges, in its order. */
    private final List<RangeRead> ranges = new ArrayList<>();
    private final Map<TopicPartition, RangeRead> byPartition = new HashMap<>();
    /** Batches done and not yet returned, oldest first. */
    private final ArrayDeque<RangeRead.Done> ready = new ArrayDeque<>();
    /** Ranges not done. */
    private int unfinished;
    /** Rows in the ranges' open batches. */
    private long openRows;
    /** The range whose open batch the decoders are bound to. */
    private RangeRead bound;
    /** The partition of the batch last returned. */
    private SourcePartition lastPartition;
    /** Since when no record arrived, or -1 (nanoTime). */
    private long waitingSince = -1;
    private boolean healthy = true;
    private boolean closed;

    KafkaPartitionReader(KafkaSource source, ScanSpec spec, KafkaProjection projection, BufferAllocator allocator) {
        this.source = source;
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
        this.errorPolicy = options.errorPolicy();
        this.readTimeoutNanos = options.readTimeout().toNanos();
        for (OffsetRange range : spec.ranges()) {
            RangeRead read = new RangeRead(range);
            ranges.add(read);
            byPartition.put(read.topicPartition, read);
            if (!read.done) {
                unfinished++;
            }
        }
        if (unfinished == 0) {
            this.fetcher = null;
            return;
        }
        this.fetcher = source.fetcherPool().borrow();
        for (RangeRead read : ranges) {
            if (!read.done) {
                fetcher.read(read.topicPartition, read.range.fromOffset(), read.range.untilOffset());
            }
        }
    }

    /**
     * The next batch, at most {@code maxBatchRows} rows of one partition and never empty, or null once every
     * range is done. The caller owns and closes the returned root.
     */
    @Override
    public VectorSchemaRoot next() {
        if (closed) {
            throw new IllegalStateException("Reader of " + describe(ranges) + " is closed");
        }
        while (ready.isEmpty() && unfinished > 0) {
            readPoll();
        }
        RangeRead.Done done = ready.poll();
        if (done == null) {
            return null;
        }
        lastPartition = done.partition();
        return done.rows();
    }

    @Override
    public SourcePartition partition() {
        if (lastPartition == null) {
            throw new IllegalStateException("No batch read yet");
        }
        return lastPartition;
    }

    /** Reads one poll's records into the ranges' batches; finishes the ranges it completes. */
    private void readPoll() {
        List<PartitionRecords> polled = poll();
        if (polled.isEmpty()) {
            long now = System.nanoTime();
            if (unfinished > 0 && waitingSince >= 0 && now - waitingSince > readTimeoutNanos) {
                throw stalled();
            }
            if (waitingSince < 0) {
                waitingSince = now;
            }
            return;
        }
        waitingSince = -1;
        for (PartitionRecords records : polled) {
            RangeRead read = byPartition.get(records.partition());
            if (read == null || read.done) {
                continue;
            }
            long until = read.range.untilOffset();
            boolean reachedEnd = false;
            try {
                while (records.next()) {
                    if (records.offset() >= until) {
                        reachedEnd = true;  // what lies past the range is for the next one
                        break;
                    }
                    read.read(records);
                }
            } catch (KafkaException e) {
                healthy = false;
                throw new SourceException("Failed to read " + read.range.partition() + " of table '" + source.name()
                        + "' at offset " + records.nextOffset() + ": " + e.getMessage(), e);
            }
            read.position = reachedEnd ? until : Math.max(read.position, records.nextOffset());
            if (read.position >= until) {
                finish(read);
            }
        }
        // Bound what the open batches hold together: the largest goes out first.
        while (openRows > maxBatchRows) {
            RangeRead largest = null;
            for (RangeRead read : ranges) {
                if (largest == null || read.rows > largest.rows) {
                    largest = read;
                }
            }
            largest.emit();
        }
    }

    private List<PartitionRecords> poll() {
        try {
            return fetcher.poll(POLL_INTERVAL_MS);
        } catch (PartitionFetcher.OffsetOutOfRangeFailure e) {
            healthy = false;
            throw outOfRange(e);
        } catch (KafkaException e) {
            healthy = false;
            RangeRead first = firstUnfinished();
            throw new SourceException("Failed to read " + describeUnfinished() + " of table '" + source.name()
                    + "' at offset " + first.position + " from Kafka at '" + source.bootstrapServers() + "': "
                    + e.getMessage(), e);
        }
    }

    /** Marks the range done, once every dead letter of it is written; its open batch goes out. */
    private void finish(RangeRead read) {
        read.done = true;
        unfinished--;
        fetcher.stop(read.topicPartition);
        read.emit();
        read.finish();
    }

    private RangeRead firstUnfinished() {
        for (RangeRead read : ranges) {
            if (!read.done) {
                return read;
            }
        }
        throw new IllegalStateException("Every range is done");
    }

    /** The first unfinished partition, and how many others are unfinished. */
    private String describeUnfinished() {
        return firstUnfinished().range.partition() + otherUnfinished();
    }

    /** {@code " (and N other partitions)"} when more than one range is unfinished, else nothing. */
    private String otherUnfinished() {
        return unfinished > 1 ? " (and " + (unfinished - 1) + " other partitions)" : "";
    }

    private static String describe(List<RangeRead> ranges) {
        return ranges.size() == 1 ? ranges.get(0).range.partition().toString()
                : ranges.get(0).range.partition() + " and " + (ranges.size() - 1) + " other partitions";
    }

    /** The ranges' records exist but did not arrive: Kafka can't be reached, an outage ({@link KafkaOutage}). */
    private SourceException stalled() {
        RangeRead first = firstUnfinished();
        String message = "No record of " + first.range.partition() + " (table '" + source.name() + "') arrived for "
                + TimeUnit.NANOSECONDS.toMillis(readTimeoutNanos) + " ms while reading offsets ["
                + first.range.fromOffset() + ", " + first.range.untilOffset() + ") at offset "
                + first.position + otherUnfinished() + " from Kafka at '" + source.bootstrapServers()
                + "' (option '" + KafkaTableOptions.SCAN_READ_TIMEOUT_MS + "')";
        return new SourceException(message, new TimeoutException(message));
    }

    private SourceException outOfRange(PartitionFetcher.OffsetOutOfRangeFailure e) {
        TopicPartition partition = e.partition();
        RangeRead read = byPartition.get(partition);
        String available;
        try {
            long[] offsets = source.availableOffsets(partition);
            available = "available offsets are [" + offsets[0] + ", " + offsets[1] + ")"
                    + (read != null && read.range.fromOffset() < offsets[0] ? "; older records were deleted by retention" : "");
        } catch (RuntimeException lookupFailure) {
            available = "available offsets unknown: " + lookupFailure.getMessage();
        }
        String reading = read == null ? "" : ", reading offsets [" + read.range.fromOffset() + ", "
                + read.range.untilOffset() + ")";
        return new SourceException("Offset " + e.offset() + " of " + partition + " (table '" + source.name() + "'"
                + reading + ") is out of range: " + available, e);
    }

    @Override
    public long malformedRecords() {
        long malformed = 0;
        for (RangeRead read : ranges) {
            malformed += read.malformedRecords;
        }
        return malformed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ready.forEach(done -> done.rows().close());
        ready.clear();
        for (RangeRead read : ranges) {
            read.close();
        }
        if (fetcher != null) {
            fetcher.stopAll();
            source.fetcherPool().release(fetcher, healthy);
        }
    }

    /** The reading of one range: its open batch, its malformed records and dead letters. */
    private final class RangeRead {
        /** A batch of one partition's rows, done. */
        record Done(SourcePartition partition, VectorSchemaRoot rows) {
        }

        private final OffsetRange range;
        private final TopicPartition topicPartition;
        /** The partition's topic as UTF-8, written into the topic column of every row. */
        private final byte[] topicBytes;
        private boolean done;
        /** Every offset below it is read, or holds no record of the table (transaction markers, compaction). */
        private long position;

        // The open batch (null if none) and its vectors by role (null if not requested).
        private VectorSchemaRoot batch;
        private int rows;
        private final List<FieldVector> valueVectors = new ArrayList<>();
        private IntVector partitionVector;
        private BigIntVector offsetVector;
        private TimeStampMilliVector timestampVector;
        private VarCharVector keyVector;
        private VarCharVector topicVector;
        private BitVector deletedVector;

        private long malformedRecords;
        /** Tombstones of a table with a primary key, read by a scan that takes no deletes: no row (see DELETED_COLUMN). */
        private long tombstonesSkipped;
        private String firstMalformed;
        /** The range's dead letters, opened at the first malformed record under {@link ErrorPolicy#DEAD_LETTER}. */
        private DeadLetterWriter.Range deadLetters;
        private String deadLetterTopic;

        RangeRead(OffsetRange range) {
            this.range = range;
            SourcePartition partition = range.partition();
            this.topicPartition = new TopicPartition(partition.topic(), partition.partition());
            this.topicBytes = partition.topic().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            this.done = range.isEmpty();
            this.position = range.fromOffset();
        }

        /** Decodes one record of the range into the open batch (opened if none); a full batch goes out. */
        void read(PartitionRecords record) {
            if (batch == null) {
                open();
            }
            if (bound != this) {
                bind();
            }
            if (decode(record, rows)) {
                rows++;
                openRows++;
                if (rows == maxBatchRows) {
                    emit();
                }
            }
        }

        private void open() {
            long remaining = range.untilOffset() - position;
            int expectedRows = (int) Math.max(1, Math.min(remaining,
                    Math.min(maxBatchRows, Math.max(MIN_BATCH_CAPACITY, maxBatchRows / Math.max(1, unfinished)))));
            batch = VectorSchemaRoot.create(projection.arrowSchema(), allocator);
            rows = 0;
            valueVectors.clear();
            partitionVector = null;
            offsetVector = null;
            timestampVector = null;
            keyVector = null;
            topicVector = null;
            List<FieldVector> vectors = batch.getFieldVectors();
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
            bound = null;
        }

        /** Points the decoders at this range's open batch. */
        private void bind() {
            decoder.bind(valueVectors);
            if (keyDecoder != null) {
                List<FieldVector> keyVectors = new ArrayList<>(keyVectorIndexes.length);
                for (int i : keyVectorIndexes) {
                    keyVectors.add(valueVectors.get(i));
                }
                keyDecoder.bind(keyVectors);
            }
            bound = this;
        }

        /** The open batch goes out if it has rows, else is freed. */
        void emit() {
            if (batch == null) {
                return;
            }
            VectorSchemaRoot out = batch;
            batch = null;
            openRows -= rows;
            if (bound == this) {
                bound = null;
            }
            if (rows == 0) {
                out.close();
                return;
            }
            out.setRowCount(rows);
            rows = 0;
            ready.add(new Done(range.partition(), out));
        }

        /**
         * Decodes one record into {@code row}; false if it is malformed and the policy skips it, or a tombstone the
         * scan takes no row for.
         */
        private boolean decode(PartitionRecords record, int row) {
            boolean tombstone = record.valueLength() < 0 && upserts;
            if (tombstone && deletedVector == null) {
                tombstonesSkipped++;
                return false;
            }
            try {
                if (tombstone) {
                    decodeTombstone(record, row);
                } else {
                    decoder.decode(record.valueLength() < 0 ? null : record.bytes(), record.valueOffset(),
                            Math.max(0, record.valueLength()), row);
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
                partitionVector.setSafe(row, topicPartition.partition());
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
                if (record.keyLength() < 0) {
                    keyVector.setNull(row);
                } else {
                    keyVector.setSafe(row, record.bytes(), record.keyOffset(), record.keyLength());
                }
            }
            return true;
        }

        /** A tombstone: its key's columns from the record key, every other column NULL. */
        private void decodeTombstone(PartitionRecords record, int row) throws RecordDecoderException {
            for (FieldVector v : valueVectors) {
                v.setNull(row);
            }
            if (record.keyLength() < 0) {
                throw new RecordDecoderException("a tombstone (a null value) without a key deletes no key");
            }
            try {
                keyDecoder.decode(record.bytes(), record.keyOffset(), record.keyLength(), row);
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

        private void malformed(PartitionRecords record, String reason) {
            if (errorPolicy == ErrorPolicy.FAIL) {
                throw new MalformedRecordException(source.name(), range.partition(), record.offset(), reason);
            }
            malformedRecords++;
            if (firstMalformed == null) {
                firstMalformed = "offset " + record.offset() + ": " + reason;
            }
            LOG.debug("Skipping malformed record of table '{}' at {} offset {}: {}", source.name(), range.partition(),
                    record.offset(), reason);
            if (errorPolicy == ErrorPolicy.DEAD_LETTER) {
                if (deadLetters == null) {
                    DeadLetterWriter writer = source.deadLetterWriter();
                    deadLetterTopic = writer.topic();
                    try {
                        deadLetters = writer.open(topicPartition, range.untilOffset());
                    } catch (KafkaException e) {
                        throw deadLetterFailure(e);
                    }
                }
                deadLetters.write(topicPartition, record.offset(), copy(record, record.keyOffset(), record.keyLength()),
                        copy(record, record.valueOffset(), record.valueLength()), record.headers(), reason);
            }
        }

        private static byte[] copy(PartitionRecords record, int offset, int length) {
            return length < 0 ? null : Arrays.copyOfRange(record.bytes(), offset, offset + length);
        }

        /** The range is read: its dead letters are written, and what it skipped is logged. */
        void finish() {
            if (deadLetters != null) {
                try {
                    deadLetters.commit();
                } catch (KafkaException e) {
                    throw deadLetterFailure(e);
                }
            }
            if (tombstonesSkipped > 0) {
                LOG.debug("{} tombstone(s) of table '{}' in {} offsets [{}, {}) gave no row (the scan keeps the latest "
                        + "row per key itself)", tombstonesSkipped, source.name(), range.partition(), range.fromOffset(),
                        range.untilOffset());
            }
            if (malformedRecords > 0) {
                LOG.warn("Skipped {} malformed record(s) of table '{}' in {} offsets [{}, {}){} (first at {})",
                        malformedRecords, source.name(), range.partition(), range.fromOffset(), range.untilOffset(),
                        deadLetters == null ? "" : ", written to dead-letter topic '" + deadLetterTopic + "'",
                        firstMalformed);
            }
        }

        private SourceException deadLetterFailure(KafkaException e) {
            return new SourceException("Failed to write malformed records of table '" + source.name() + "' ("
                    + range.partition() + " offsets [" + range.fromOffset() + ", " + range.untilOffset()
                    + ")) to dead-letter topic '" + deadLetterTopic + "': " + e.getMessage(), e);
        }

        /** Frees the open batch; aborts dead letters not committed. */
        void close() {
            if (batch != null) {
                batch.close();
                batch = null;
            }
            if (deadLetters != null) {
                deadLetters.abort();  // no-op once committed
            }
        }
    }
}
