package dev.sluice.connectors.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
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
 */
final class PartitionRecords {
    /** Size of a v2 batch header: where its first record starts. */
    private static final int BATCH_HEADER_SIZE = 61;
    /** Where a v2 batch header holds its first record's timestamp. */
    private static final int BASE_TIMESTAMP_OFFSET = 27;

    private final TopicPartition partition;
    private final long fetchOffset;
    private final Iterator<MutableRecordBatch> batches;
    private final boolean readCommitted;
    /** Aborted transactions of the response not reached yet, by first offset. */
    private final PriorityQueue<FetchResponseData.AbortedTransaction> abortedTransactions;
    private final Set<Long> abortedProducerIds = new HashSet<>();
    /** The response's bytes; the records' keys and values lie in them unless read through Kafka's iterator. */
    private final byte[] responseBytes;
    /** Where in {@link #responseBytes} the next batch starts. */
    private int batchStart;
    private long nextOffset;

    // The batch being read: in place (recordsLeft > 0) or through Kafka's iterator (slowRecords != null).
    private int recordsLeft;
    private int recordPosition;
    /** Where the varint being read is. */
    private int cursor;
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
        ByteBuffer buffer = records.buffer();
        if (buffer.hasArray()) {
            this.responseBytes = buffer.array();
            this.batchStart = buffer.arrayOffset() + buffer.position();
        } else {
            this.responseBytes = new byte[buffer.remaining()];
            buffer.duplicate().get(responseBytes);
            this.batchStart = 0;
            records = MemoryRecords.readableRecords(ByteBuffer.wrap(responseBytes));
        }
        this.batches = records.batches().iterator();
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
            nextOffset = Math.max(nextOffset, batchNextOffset);
            if (!batches.hasNext()) {
                return false;
            }
            MutableRecordBatch batch = batches.next();
            int start = batchStart;
            batchStart += batch.sizeInBytes();
            batchNextOffset = batch.nextOffset();
            if (batchNextOffset <= fetchOffset) {
                continue;
            }
            batch.ensureValid();
            if (readCommitted && batch.hasProducerId()) {
                while (!abortedTransactions.isEmpty() && abortedTransactions.peek().firstOffset() <= batch.lastOffset()) {
                    abortedProducerIds.add(abortedTransactions.poll().producerId());
                }
                if (batch.isControlBatch()) {
                    if (isAbortMarker(batch)) {
                        abortedProducerIds.remove(batch.producerId());
                    }
                } else if (batch.isTransactional() && abortedProducerIds.contains(batch.producerId())) {
                    continue;  // an aborted transaction's records
                }
            }
            if (batch.isControlBatch()) {
                continue;  // transaction markers are no records of the table
            }
            if (batch.magic() >= RecordBatch.MAGIC_VALUE_V2 && batch.compressionType() == CompressionType.NONE) {
                recordsLeft = batch.countOrNull();
                recordPosition = start + BATCH_HEADER_SIZE;
                baseOffset = batch.baseOffset();
                baseTimestamp = readLong(responseBytes, start + BASE_TIMESTAMP_OFFSET);
                logAppendTime = batch.timestampType() == TimestampType.LOG_APPEND_TIME;
                maxTimestamp = batch.maxTimestamp();
            } else {
                slowRecords = batch.streamingIterator(BufferSupplier.NO_CACHING);
            }
        }
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
        cursor = headersPosition;
        for (int i = 0; i < headerCount; i++) {
            int keyLen = readVarint(bytes);
            String key = new String(bytes, cursor, keyLen, StandardCharsets.UTF_8);
            cursor += keyLen;
            int valueLen = readVarint(bytes);
            byte[] value = null;
            if (valueLen >= 0) {
                value = Arrays.copyOfRange(bytes, cursor, cursor + valueLen);
                cursor += valueLen;
            }
            headers[i] = new RecordHeader(key, value);
        }
        return headers;
    }

    /** Reads the v2 record at {@link #recordPosition} (see Kafka's {@code DefaultRecord}) and moves past it. */
    private void readRecordInPlace() {
        byte[] b = responseBytes;
        cursor = recordPosition;
        int length = readVarint(b);
        int end = cursor + length;
        cursor++;  // attributes, unused
        long timestampDelta = readVarlong(b);
        int offsetDelta = readVarint(b);
        bytes = b;
        offset = baseOffset + offsetDelta;
        timestamp = logAppendTime ? maxTimestamp : baseTimestamp + timestampDelta;
        keyLength = readVarint(b);
        keyOffset = cursor;
        if (keyLength > 0) {
            cursor += keyLength;
        }
        valueLength = readVarint(b);
        valueOffset = cursor;
        if (valueLength > 0) {
            cursor += valueLength;
        }
        headerCount = readVarint(b);
        headersPosition = cursor;
        slowHeaders = null;
        recordPosition = end;
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

    private static long readLong(byte[] b, int at) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (b[at + i] & 0xff);
        }
        return value;
    }

    private static boolean isAbortMarker(RecordBatch batch) {
        Iterator<Record> records = batch.iterator();
        if (!records.hasNext()) {
            return false;
        }
        ByteBuffer key = records.next().key();
        return key != null && ControlRecordType.parse(key) == ControlRecordType.ABORT;
    }

    /** Reads a zig-zag varint at {@link #cursor} and moves past it. */
    private int readVarint(byte[] b) {
        int p = cursor;
        int value = 0;
        int shift = 0;
        byte current;
        do {
            current = b[p++];
            value |= (current & 0x7f) << shift;
            shift += 7;
        } while (current < 0 && shift < 35);
        cursor = p;
        return (value >>> 1) ^ -(value & 1);
    }

    private long readVarlong(byte[] b) {
        int p = cursor;
        long value = 0;
        int shift = 0;
        byte current;
        do {
            current = b[p++];
            value |= (long) (current & 0x7f) << shift;
            shift += 7;
        } while (current < 0 && shift < 70);
        cursor = p;
        return (value >>> 1) ^ -(value & 1);
    }
}
