package dev.sluice.connectors.kafka;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.zip.CRC32C;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;

/**
 * The records of one partition in one fetch response, read one at a time where they lie: a record's key and
 * value are ranges of the response's bytes ({@link #bytes}), with no object per record. This is the part of
 * Kafka's consumer ({@code CompletedFetch}) that Sluice does itself, because Kafka's makes a
 * {@code ConsumerRecord}, headers and buffer slices per record, which cost as much CPU as decoding the record
 * (docs/benchmark.md).
 *
 * <p>As Kafka's consumer does, it checks each batch's CRC, skips control batches (transaction markers) and,
 * reading committed records only, the batches of aborted transactions (the response lists them); records before
 * the fetch offset (in the batch that holds it) are skipped. Compressed batches and the old message formats are
 * read through Kafka's own record iterator. {@link #nextOffset} is where the partition continues. Not
 * thread-safe.
 *
 * <p>Batch headers and records are read from the byte array itself (big-endian fields through
 * {@link VarHandle}s, varints by hand) rather than through a {@code ByteBuffer} and Kafka's {@code ByteUtils}: over a
 * topic of 1,024 partitions written by one producer (about one record per batch), the buffer's position and bounds
 * checks and the varint calls were 14% of the samples, and C2 inlined them into the record loop over 8 partitions
 * but not over 1,024.
 */
final class PartitionRecords {
    // The layout of a v2 record batch (Kafka's DefaultRecordBatch): offsets of its header's fields.
    private static final int LENGTH_OFFSET = 8;
    /** The base offset and the length: what precedes the length's bytes. */
    private static final int LOG_OVERHEAD = 12;
    private static final int MAGIC_OFFSET = 16;
    private static final int CRC_OFFSET = 17;
    private static final int ATTRIBUTES_OFFSET = 21;
    private static final int LAST_OFFSET_DELTA_OFFSET = 23;
    private static final int BASE_TIMESTAMP_OFFSET = 27;
    private static final int MAX_TIMESTAMP_OFFSET = 35;
    private static final int PRODUCER_ID_OFFSET = 43;
    private static final int RECORDS_COUNT_OFFSET = 57;
    /** Size of a v2 batch header: where its first record starts. */
    private static final int BATCH_HEADER_SIZE = 61;
    private static final int COMPRESSION_MASK = 0x07;
    private static final int LOG_APPEND_TIME_FLAG = 0x08;
    private static final int TRANSACTIONAL_FLAG = 0x10;
    private static final int CONTROL_FLAG = 0x20;
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final TopicPartition partition;
    private final long fetchOffset;
    private final boolean readCommitted;
    /** Aborted transactions of the response not reached yet, by first offset. */
    private final PriorityQueue<FetchResponseData.AbortedTransaction> abortedTransactions;
    private final Set<Long> abortedProducerIds = new HashSet<>();
    /** The response's bytes; the records' keys and values lie in them unless read through Kafka's iterator. */
    private final byte[] responseBytes;
    /** Where in {@link #responseBytes} the next batch starts, and where the partition's records end. */
    private int batchStart;
    private final int end;
    private final CRC32C crc = new CRC32C();
    private long nextOffset;

    // The batch being read: in place (recordsLeft > 0) or through Kafka's iterator (slowRecords != null).
    private int recordsLeft;
    /** Where the next record starts; while a record is read, where the next of its fields starts. */
    private int position;
    private long baseOffset;
    private long baseTimestamp;
    private boolean logAppendTime;
    private long maxTimestamp;
    private CloseableIterator<Record> slowRecords;
    private long batchNextOffset;

    // The current record.
    private long offset;
    private long timestamp;
    private byte[] bytes;
    private int keyOffset;
    private int keyLength;
    private int valueOffset;
    private int valueLength;
    private int headersPosition;
    private int headerCount;
    private Header[] slowHeaders;

    /**
     * @param records the partition's records in the response, a heap buffer (as Kafka's network client receives)
     * @param fetchOffset the offset the fetch asked for: records before it are skipped
     * @param abortedTransactions the response's aborted transactions, or null; used only if {@code readCommitted}
     */
    PartitionRecords(TopicPartition partition, MemoryRecords records, long fetchOffset,
            List<FetchResponseData.AbortedTransaction> abortedTransactions, boolean readCommitted) {
        this.partition = partition;
        this.fetchOffset = fetchOffset;
        this.nextOffset = fetchOffset;
        this.readCommitted = readCommitted;
        Bytes bytes = Bytes.of(records);
        this.responseBytes = bytes.array();
        this.batchStart = bytes.start();
        this.end = bytes.end();
        this.abortedTransactions = new PriorityQueue<>(
                Math.max(1, abortedTransactions == null ? 1 : abortedTransactions.size()),
                (a, b) -> Long.compare(a.firstOffset(), b.firstOffset()));
        if (readCommitted && abortedTransactions != null) {
            this.abortedTransactions.addAll(abortedTransactions);
        }
    }

    TopicPartition partition() {
        return partition;
    }

    /**
     * Moves to the next record; false when the response holds no more (a batch cut short at the response's end
     * is not read: the next fetch starts at it).
     *
     * @throws org.apache.kafka.common.errors.CorruptRecordException if a batch fails its CRC check
     */
    boolean next() {
        while (true) {
            if (recordsLeft > 0) {
                recordsLeft--;
                readRecordInPlace();
                if (offset >= fetchOffset) {
                    nextOffset = offset + 1;
                    return true;
                }
                continue;
            }
            if (slowRecords != null) {
                if (slowRecords.hasNext()) {
                    Record record = slowRecords.next();
                    if (record.offset() >= fetchOffset) {
                        readRecord(record);
                        nextOffset = offset + 1;
                        return true;
                    }
                    continue;
                }
                slowRecords.close();
                slowRecords = null;
            }
            if (!nextBatch()) {
                return false;
            }
        }
    }

    /**
     * Moves to the next batch with records to read, its header read in place (Kafka's {@code DefaultRecordBatch}
     * layout, no object per batch: a topic written by one producer over many partitions has about one record per
     * batch); false if the response holds no more whole batches.
     */
    private boolean nextBatch() {
        byte[] b = responseBytes;
        while (true) {
            nextOffset = Math.max(nextOffset, batchNextOffset);  // past the batch read or skipped last
            int start = batchStart;
            int size = batchSize(b, start, end);
            if (size < 0) {
                return false;
            }
            batchStart = start + size;
            if (b[start + MAGIC_OFFSET] < RecordBatch.MAGIC_VALUE_V2) {
                // The old message formats (before Kafka 0.11): Kafka's own batch and iterator.
                MutableRecordBatch batch = kafkaBatch(start, size);
                batchNextOffset = batch.nextOffset();
                if (batchNextOffset > fetchOffset) {
                    batch.ensureValid();
                    slowRecords = batch.streamingIterator(BufferSupplier.NO_CACHING);
                    return true;
                }
                continue;
            }
            if (size < BATCH_HEADER_SIZE) {
                throw new CorruptRecordException("Record batch at offset " + (long) LONG.get(b, start) + " of "
                        + partition + " is " + size + " bytes, less than a batch header");
            }
            long base = (long) LONG.get(b, start);
            batchNextOffset = base + (int) INT.get(b, start + LAST_OFFSET_DELTA_OFFSET) + 1;
            if (batchNextOffset <= fetchOffset) {
                continue;
            }
            checkCrc(start, size, base);
            int attributes = (short) SHORT.get(b, start + ATTRIBUTES_OFFSET) & 0xffff;
            boolean control = (attributes & CONTROL_FLAG) != 0;
            long producerId = (long) LONG.get(b, start + PRODUCER_ID_OFFSET);
            if (readCommitted && producerId != RecordBatch.NO_PRODUCER_ID) {
                while (!abortedTransactions.isEmpty() && abortedTransactions.peek().firstOffset() < batchNextOffset) {
                    abortedProducerIds.add(abortedTransactions.poll().producerId());
                }
                if (control) {
                    if (isAbortMarker(kafkaBatch(start, size))) {
                        abortedProducerIds.remove(producerId);
                    }
                } else if ((attributes & TRANSACTIONAL_FLAG) != 0 && abortedProducerIds.contains(producerId)) {
                    continue;  // an aborted transaction's records
                }
            }
            if (control) {
                continue;  // transaction markers are no records of the table
            }
            if ((attributes & COMPRESSION_MASK) == 0) {
                recordsLeft = (int) INT.get(b, start + RECORDS_COUNT_OFFSET);
                position = start + BATCH_HEADER_SIZE;
                baseOffset = base;
                baseTimestamp = (long) LONG.get(b, start + BASE_TIMESTAMP_OFFSET);
                logAppendTime = (attributes & LOG_APPEND_TIME_FLAG) != 0;
                maxTimestamp = (long) LONG.get(b, start + MAX_TIMESTAMP_OFFSET);
            } else {
                slowRecords = kafkaBatch(start, size).streamingIterator(BufferSupplier.NO_CACHING);
            }
            return true;
        }
    }

    /** Where records lie: {@code [start, end)} of {@code array}. */
    private record Bytes(byte[] array, int start, int end) {
        /** The records' own array (a heap buffer, as Kafka's network client receives), else a copy. */
        static Bytes of(MemoryRecords records) {
            ByteBuffer buffer = records.buffer();
            if (buffer.hasArray()) {
                int start = buffer.arrayOffset() + buffer.position();
                return new Bytes(buffer.array(), start, start + buffer.remaining());
            }
            byte[] copy = new byte[buffer.remaining()];
            buffer.duplicate().get(copy);
            return new Bytes(copy, 0, copy.length);
        }
    }

    /** The size of the batch at {@code start} (its log overhead included), or -1 if it does not end before {@code end}. */
    private static int batchSize(byte[] b, int start, int end) {
        if (end - start < LOG_OVERHEAD) {
            return -1;
        }
        int size = LOG_OVERHEAD + (int) INT.get(b, start + LENGTH_OFFSET);
        return size > end - start || size <= LOG_OVERHEAD ? -1 : size;
    }

    /**
     * The offset after the last whole batch of a partition's records in a response, or {@code fetchOffset} if it
     * holds none: where the next fetch of the partition starts.
     */
    static long nextOffsetAfter(MemoryRecords records, long fetchOffset) {
        Bytes bytes = Bytes.of(records);
        byte[] b = bytes.array();
        int end = bytes.end();
        long next = fetchOffset;
        for (int start = bytes.start(), size = batchSize(b, start, end); size >= 0;
                start += size, size = batchSize(b, start, end)) {
            long base = (long) LONG.get(b, start);
            // The old formats' entry holds its last offset; a v2 batch its first and the delta to its last.
            long batchNext = b[start + MAGIC_OFFSET] < RecordBatch.MAGIC_VALUE_V2 || size < BATCH_HEADER_SIZE
                    ? base + 1 : base + (int) INT.get(b, start + LAST_OFFSET_DELTA_OFFSET) + 1;
            next = Math.max(next, batchNext);
        }
        return next;
    }

    private void checkCrc(int start, int size, long base) {
        crc.reset();
        crc.update(responseBytes, start + ATTRIBUTES_OFFSET, size - ATTRIBUTES_OFFSET);
        long stored = (int) INT.get(responseBytes, start + CRC_OFFSET) & 0xffffffffL;
        if (crc.getValue() != stored) {
            throw new CorruptRecordException("Record batch at offset " + base + " of " + partition
                    + " is corrupt (stored crc = " + stored + ", computed crc = " + crc.getValue() + ")");
        }
    }

    /** Kafka's own view of the batch at {@code start}: for compressed batches, old formats and markers. */
    private MutableRecordBatch kafkaBatch(int start, int size) {
        return MemoryRecords.readableRecords(ByteBuffer.wrap(responseBytes, start, size).slice()).batches().iterator().next();
    }

    /** Where the partition continues after what was read (past skipped batches too). */
    long nextOffset() {
        return nextOffset;
    }

    long offset() {
        return offset;
    }

    long timestamp() {
        return timestamp;
    }

    /** The bytes the record's key and value lie in. */
    byte[] bytes() {
        return bytes;
    }

    int keyOffset() {
        return keyOffset;
    }

    /** The key's length, or -1 for a null key. */
    int keyLength() {
        return keyLength;
    }

    int valueOffset() {
        return valueOffset;
    }

    /** The value's length, or -1 for a null value (a tombstone). */
    int valueLength() {
        return valueLength;
    }

    /** The record's headers (read on demand: only dead letters need them). */
    Header[] headers() {
        if (slowHeaders != null) {
            return slowHeaders;
        }
        Header[] headers = new Header[headerCount];
        int recordEnd = position;
        position = headersPosition;
        for (int i = 0; i < headerCount; i++) {
            int keyLen = readVarint();
            String key = new String(responseBytes, position, keyLen, StandardCharsets.UTF_8);
            position += keyLen;
            int valueLen = readVarint();
            byte[] value = null;
            if (valueLen >= 0) {
                value = Arrays.copyOfRange(responseBytes, position, position + valueLen);
                position += valueLen;
            }
            headers[i] = new RecordHeader(key, value);
        }
        position = recordEnd;
        return headers;
    }

    /** Reads the v2 record at {@link #position} (see Kafka's {@code DefaultRecord}) and moves past it. */
    private void readRecordInPlace() {
        try {
            readFields();
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new CorruptRecordException("Record of " + partition + " in the batch ending at byte " + batchStart
                    + " of the response runs past the response", e);
        }
    }

    private void readFields() {
        int length = readVarint();
        int end = position + length;
        position++;  // attributes, unused
        long timestampDelta = readVarlong();
        int offsetDelta = readVarint();
        bytes = responseBytes;
        offset = baseOffset + offsetDelta;
        timestamp = logAppendTime ? maxTimestamp : baseTimestamp + timestampDelta;
        keyLength = readVarint();
        keyOffset = position;
        position = keyOffset + Math.max(0, keyLength);
        valueLength = readVarint();
        valueOffset = position;
        position = valueOffset + Math.max(0, valueLength);
        headerCount = readVarint();
        headersPosition = position;
        slowHeaders = null;
        if (end > batchStart || headersPosition > end) {
            throw new CorruptRecordException("Record at offset " + offset + " of " + partition
                    + " does not fit its batch");
        }
        position = end;
    }

    /** A zigzag-encoded varint at {@link #position} (Kafka's {@code ByteUtils.readVarint}), moving past it. */
    private int readVarint() {
        byte[] b = responseBytes;
        int p = position;
        int value = 0;
        for (int shift = 0; shift < 32; shift += 7) {
            byte next = b[p++];
            value |= (next & 0x7f) << shift;
            if (next >= 0) {
                position = p;
                return (value >>> 1) ^ -(value & 1);
            }
        }
        throw new CorruptRecordException("A varint of a record of " + partition + " is longer than 5 bytes");
    }

    /** A zigzag-encoded varlong at {@link #position} (Kafka's {@code ByteUtils.readVarlong}), moving past it. */
    private long readVarlong() {
        byte[] b = responseBytes;
        int p = position;
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte next = b[p++];
            value |= (long) (next & 0x7f) << shift;
            if (next >= 0) {
                position = p;
                return (value >>> 1) ^ -(value & 1);
            }
        }
        throw new CorruptRecordException("A varlong of a record of " + partition + " is longer than 10 bytes");
    }

    private void readRecord(Record record) {
        offset = record.offset();
        timestamp = record.timestamp();
        ByteBuffer key = record.key();
        ByteBuffer value = record.value();
        // Kafka's iterator gives slices of one decompressed buffer, or of the response: copied when they are not.
        int keyLen = key == null ? 0 : key.remaining();
        int valueLen = value == null ? 0 : value.remaining();
        byte[] copy = new byte[keyLen + valueLen];
        if (key != null) {
            key.duplicate().get(copy, 0, keyLen);
        }
        if (value != null) {
            value.duplicate().get(copy, keyLen, valueLen);
        }
        bytes = copy;
        keyOffset = 0;
        keyLength = key == null ? -1 : keyLen;
        valueOffset = keyLen;
        valueLength = value == null ? -1 : valueLen;
        slowHeaders = record.headers();
    }

    private static boolean isAbortMarker(RecordBatch batch) {
        Iterator<Record> records = batch.iterator();
        if (!records.hasNext()) {
            return false;
        }
        ByteBuffer key = records.next().key();
        return key != null && ControlRecordType.parse(key) == ControlRecordType.ABORT;
    }
}
