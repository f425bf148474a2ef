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
import java.util.ArrayDeque;
import java.util.ArrayList;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
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
 * <p>One pooled {@link PartitionConsumer} reads all the scan's partitions (assign and seek, no group, no
 * commits): each fetch brings records of many of them, so a group of short ranges (a batch over hundreds of
 * partitions) costs about what one long range does. Records are decoded into a batch per partition as they
 * arrive; a batch is returned when it is full, when its range is done, or when the open batches together hold
 * {@code maxBatchRows} rows (the largest goes first), so a reader holds about one batch's rows whatever the
 * number of its partitions. A group's consumer reads {@link #READ_WINDOW} of its partitions at once, more while
 * the ranges it reads hold at most {@code maxBatchRows} records together, in the scan's order, and drops a
 * partition with what it fetched of it as soon as its range is done (a consumer of one partition pauses it and
 * keeps that for the partition's next range); once the group is read the consumer is unassigned. A group of
 * short ranges fetched to the end of what Kafka has of each partition, as a live topic's batches are, holds at
 * most the few records written since the batch was planned: its consumer keeps the partitions, paused, with those,
 * and the group's next batch continues with them without assigning, seeking and fetching each anew.
 *
 * <p>A table with a primary key is a table of upserts: a record without its key's columns is malformed, and a
 * tombstone (a null value) is a delete of its key, decoded from the record key with the key format into the
 * key's columns and flagged in {@link dev.sluice.execution.source.StreamSource#DELETED_COLUMN} when the scan
 * reads it (a scan that does not gets no row for it).
 *
 * <p>Offsets may have gaps (compaction, transaction markers): a range is done once the consumer's position in
 * its partition reaches {@code until}. Records that can't be decoded are handled by the table's
 * {@link ErrorPolicy}; with {@link ErrorPolicy#DEAD_LETTER} a range's dead-letter writes are flushed before its
 * last batch is returned. Not thread-safe.
 */
final class KafkaPartitionReader implements PartitionReader {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaPartitionReader.class);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    /** Expected bytes per VARCHAR value when sizing a batch; vectors grow past it as needed. */
    private static final double VARCHAR_DENSITY = 16;
    /**
     * How many partitions of a group its consumer reads at once, unless their ranges are short; the next waits
     * until one is done. Kafka's consumer prefetches every partition it reads and does per-partition work in every
     * fetch, so a window bounds both and lets each partition fetch more (KafkaClientProperties#partitionFetchBytes):
     * over 1,024 partitions, Q1 ran 39% faster with 15% less CPU, at less memory (docs/benchmark.md). More are read
     * at once while their ranges hold at most {@code maxBatchRows} records together: a batch of a live topic reads a
     * few records of each partition, and reading a group 8 partitions at a time cost a fetch round per 8 (the
     * latency bench over 256 partitions at 20 K records/s: 117 against 77 ms of processing per batch); over 1,024
     * partitions in batches of 200 K records (195 per range) that took no more memory.
     */
    static final int READ_WINDOW = 8;
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
    /** The consumer of the scan's partitions; null if every range is empty. */
    private final PartitionConsumer consumer;
    /** The scan's ranges, in its order. */
    private final List<RangeRead> ranges = new ArrayList<>();
    /** A group's ranges not read yet, waiting for a place in the window ({@link #READ_WINDOW}), in scan order. */
    private final ArrayDeque<RangeRead> waiting = new ArrayDeque<>();
    /** How many of the ranges are being read, and the records they hold together. */
    private int readingRanges;
    private long readingRecords;
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
    /** Whether a partition of a group was dropped because Kafka may have prefetched records of it past its range. */
    private boolean dropped;
    /**
     * Whether the group's ranges hold at most a batch's rows together, as a live topic's batches do: a
     * partition read to the end of what Kafka has of it is then kept (over long ranges, the backlog's, the last
     * batch would keep every partition and Kafka's metrics of each: 15 MB more heap over 1,024 partitions).
     */
    private final boolean keepsReadToEnd;
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
        List<TopicPartition> partitions = new ArrayList<>();
        for (OffsetRange range : spec.ranges()) {
            RangeRead read = new RangeRead(range);
            ranges.add(read);
            byPartition.put(read.topicPartition, read);
            partitions.add(read.topicPartition);
            if (!read.done) {
                unfinished++;
            }
        }
        if (unfinished == 0) {
            this.consumer = null;
            this.keepsReadToEnd = false;
            return;
        }
        this.consumer = source.consumerPool().borrow(partitions);
        List<TopicPartition> reading = new ArrayList<>();
        for (RangeRead read : ranges) {
            // An empty range's partition is sought too (and paused): Kafka looks up the position of every
            // assigned partition that has none, which fails without a reset policy.
            try {
                consumer.seek(read.topicPartition, read.range.fromOffset());
            } catch (RuntimeException e) {
                source.consumerPool().release(consumer, false);
                throw new SourceException("Can't seek to offset " + read.range.fromOffset() + " of "
                        + read.range.partition() + " (table '" + source.name() + "'): " + e.getMessage(), e);
            }
            if (!read.done) {
                if (waiting.isEmpty() && hasRoomFor(read)) {
                    reading.add(read.topicPartition);
                    startedReading(read);
                } else {
                    waiting.add(read);
                }
            }
        }
        consumer.readOnly(reading);
        this.keepsReadToEnd = ranges.size() > 1 && readingRecords <= maxBatchRows && waiting.isEmpty();
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
        Map<TopicPartition, List<ConsumerRecord<ByteBuffer, ByteBuffer>>> polled = poll();
        if (polled.isEmpty()) {
            // The positions may have moved past offsets without records (transaction markers, compaction).
            for (RangeRead read : ranges) {
                if (!read.done && consumer.position(read.topicPartition) >= read.range.untilOffset()) {
                    finish(read);
                }
            }
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
        for (Map.Entry<TopicPartition, List<ConsumerRecord<ByteBuffer, ByteBuffer>>> e : polled.entrySet()) {
            TopicPartition partition = e.getKey();
            List<ConsumerRecord<ByteBuffer, ByteBuffer>> records = e.getValue();
            RangeRead read = byPartition.get(partition);
            if (read == null || read.done) {
                consumer.hold(partition, records);  // fetched before it was paused: kept for a later range
                continue;
            }
            long until = read.range.untilOffset();
            int i = 0;
            for (; i < records.size(); i++) {
                ConsumerRecord<ByteBuffer, ByteBuffer> record = records.get(i);
                if (record.offset() >= until) {
                    break;
                }
                read.read(record);
            }
            if (i < records.size()) {
                // The rest of the range holds no records; what lies past it is for the next range.
                consumer.consumed(partition, until);
                consumer.hold(partition, records.subList(i, records.size()));
            } else if (i > 0) {
                consumer.consumed(partition, records.get(i - 1).offset() + 1);
            }
            if (consumer.position(partition) >= until) {
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

    private Map<TopicPartition, List<ConsumerRecord<ByteBuffer, ByteBuffer>>> poll() {
        try {
            return consumer.poll(POLL_INTERVAL);
        } catch (OffsetOutOfRangeException e) {
            healthy = false;
            throw outOfRange(e);
        } catch (KafkaException e) {
            healthy = false;
            RangeRead first = firstUnfinished();
            throw new SourceException("Failed to read " + describeUnfinished() + " of table '" + source.name()
                    + "' at offset " + consumer.position(first.topicPartition) + " from Kafka at '"
                    + source.bootstrapServers() + "': " + e.getMessage(), e);
        }
    }

    /** Marks the range done, once every dead letter of it is written; its open batch goes out. */
    private void finish(RangeRead read) {
        read.done = true;
        unfinished--;
        TopicPartition partition = read.topicPartition;
        if (ranges.size() > 1 && (!keepsReadToEnd || !consumer.fetchedToEnd(partition))) {
            consumer.drop(partition);  // what was prefetched of it goes now, not when the group is read
            dropped = true;
        } else {
            // Kept for the partition's next range with what it fetched and holds of it: a consumer of one partition
            // (at most one fetch), a group's of short ranges one it fetched to the end of what Kafka had of it (the
            // few records a live topic got since the batch was planned).
            consumer.stopReading(partition);
        }
        readingRanges--;
        readingRecords -= read.range.size();
        while (!waiting.isEmpty() && hasRoomFor(waiting.peek())) {
            RangeRead next = waiting.poll();
            consumer.startReading(next.topicPartition);
            startedReading(next);
        }
        read.emit();
        read.finish();
    }

    /** Whether {@code read} may be read beside the ranges being read (see {@link #READ_WINDOW}). */
    private boolean hasRoomFor(RangeRead read) {
        return readingRanges < READ_WINDOW || readingRecords + read.range.size() <= maxBatchRows;
    }

    private void startedReading(RangeRead read) {
        readingRanges++;
        readingRecords += read.range.size();
    }

    private RangeRead firstUnfinished() {
        for (RangeRead read : ranges) {
            if (!read.done) {
                return read;
            }
        }
        throw new IllegalStateException("Every range is done");
    }

    /** Its consumer, null if every range was empty (for tests). */
    PartitionConsumer consumer() {
        return consumer;
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
                + consumer.position(first.topicPartition) + otherUnfinished() + " from Kafka at '" + source.bootstrapServers()
                + "' (option '" + KafkaTableOptions.SCAN_READ_TIMEOUT_MS + "')";
        return new SourceException(message, new TimeoutException(message));
    }

    private SourceException outOfRange(OffsetOutOfRangeException e) {
        TopicPartition partition = e.partitions().iterator().next();
        RangeRead read = byPartition.get(partition);
        long offset = e.offsetOutOfRangePartitions().getOrDefault(partition, consumer.position(partition));
        String available;
        try {
            long[] offsets = consumer.availableOffsets(partition, Duration.ofMillis(source.apiTimeoutMs()));
            available = "available offsets are [" + offsets[0] + ", " + offsets[1] + ")"
                    + (read != null && read.range.fromOffset() < offsets[0] ? "; older records were deleted by retention" : "");
        } catch (RuntimeException lookupFailure) {
            available = "available offsets unknown: " + lookupFailure.getMessage();
        }
        String reading = read == null ? "" : ", reading offsets [" + read.range.fromOffset() + ", "
                + read.range.untilOffset() + ")";
        return new SourceException("Offset " + offset + " of " + partition + " (table '" + source.name() + "'"
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
        if (consumer != null) {
            // A group read to the end of the log (a live topic) keeps its assignment for its next batch, which then
            // continues without assigning, seeking and fetching each partition anew.
            if (ranges.size() > 1 && healthy && (dropped || unfinished > 0)) {
                // What a group's consumer fetched past its ranges' ends would stay in the heap until the group's
                // next batch (Kafka keeps a paused partition's fetched records, and each pins its whole fetch
                // response): Q1 over 256 partitions peaked at 0.9 GB RSS keeping it, 0.43 GB dropping it. A
                // consumer of one partition keeps it (one fetch, at most 1 MB).
                try {
                    consumer.unassign();
                } catch (RuntimeException e) {
                    healthy = false;
                }
            }
            source.consumerPool().release(consumer, healthy);
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
        }

        /** Decodes one record of the range into the open batch (opened if none); a full batch goes out. */
        void read(ConsumerRecord<ByteBuffer, ByteBuffer> record) {
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
            long remaining = range.untilOffset() - consumer.position(topicPartition);
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
        private boolean decode(ConsumerRecord<ByteBuffer, ByteBuffer> record, int row) {
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
                deadLetters.write(record, reason);
            }
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
