package dev.sluice.connectors.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;

/**
 * {@link PartitionRecords} against Kafka's own record iterator over the same bytes: the records it gives (offset,
 * timestamp, key, value, headers), and those it must skip (before the fetch offset, control batches, aborted
 * transactions, a batch cut short at the response's end).
 */
class PartitionRecordsTest {
    private static final TopicPartition PARTITION = new TopicPartition("t", 0);
    private static final long ABORTED_PRODUCER = 7;
    private static final long COMMITTED_PRODUCER = 8;

    /**
     * Offsets 0-4 plain (a null key, a null value, headers), 5-7 gzip, 8-9 a transaction of producer 7 aborted by
     * the marker at 10, 11-12 a transaction of producer 8 committed at 13, 14-15 with the broker's append time,
     * then half of a batch at 16-17.
     */
    private static ByteBuffer response() {
        List<MemoryRecords> parts = new ArrayList<>();
        parts.add(MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V2, 0, Compression.NONE, TimestampType.CREATE_TIME,
                record(1000, "k0", "v0", new RecordHeader("h", bytes("x"))),
                new SimpleRecord(1001, null, bytes("v1")),
                record(1002, "k2", null),
                record(1003, "k3", "{\"a\":3}"),
                record(1004, "k4", "v4", new RecordHeader("h1", bytes("1")), new RecordHeader("h2", null))));
        parts.add(MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V2, 5, Compression.gzip().build(),
                TimestampType.CREATE_TIME, record(1005, "k5", "v5"), record(1006, "k6", "v6"),
                record(1007, "k7", "v7", new RecordHeader("g", bytes("z")))));
        parts.add(MemoryRecords.withTransactionalRecords(8, Compression.NONE, ABORTED_PRODUCER, (short) 0, 0, 0,
                record(1008, "k8", "aborted"), record(1009, "k9", "aborted")));
        parts.add(MemoryRecords.withEndTransactionMarker(10, 1010, 0, ABORTED_PRODUCER, (short) 0,
                new EndTransactionMarker(ControlRecordType.ABORT, 0)));
        parts.add(MemoryRecords.withTransactionalRecords(11, Compression.NONE, COMMITTED_PRODUCER, (short) 0, 0, 0,
                record(1011, "k11", "committed"), record(1012, "k12", "committed")));
        parts.add(MemoryRecords.withEndTransactionMarker(13, 1013, 0, COMMITTED_PRODUCER, (short) 0,
                new EndTransactionMarker(ControlRecordType.COMMIT, 0)));
        MemoryRecords appendTime = MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V2, 14, Compression.NONE,
                TimestampType.CREATE_TIME, record(1014, "k14", "v14"), record(1015, "k15", "v15"));
        appendTime.batches().iterator().next().setMaxTimestamp(TimestampType.LOG_APPEND_TIME, 5000);
        parts.add(appendTime);
        MemoryRecords cut = MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V2, 16, Compression.NONE,
                TimestampType.CREATE_TIME, record(1016, "k16", "v16"), record(1017, "k17", "v17"));
        ByteBuffer half = cut.buffer().duplicate();
        half.limit(half.limit() / 2);
        int size = parts.stream().mapToInt(MemoryRecords::sizeInBytes).sum() + half.remaining();
        ByteBuffer all = ByteBuffer.allocate(size);
        parts.forEach(p -> all.put(p.buffer().duplicate()));
        all.put(half);
        all.flip();
        return all;
    }

    private static List<FetchResponseData.AbortedTransaction> aborted() {
        return List.of(new FetchResponseData.AbortedTransaction().setProducerId(ABORTED_PRODUCER).setFirstOffset(8));
    }

    @Test
    void readsCommittedRecordsFromTheFetchOffsetAsKafkasIteratorDoes() {
        PartitionRecords records = new PartitionRecords(PARTITION, MemoryRecords.readableRecords(response()), 2,
                aborted(), true);
        assertRecords(List.of(2L, 3L, 4L, 5L, 6L, 7L, 11L, 12L, 14L, 15L), records);
        assertEquals(16, records.nextOffset(), "past the last whole batch, not into the one cut short");
        assertEquals(16, PartitionRecords.nextOffsetAfter(MemoryRecords.readableRecords(response()), 2),
                "where the next fetch starts, from the batch headers alone");
    }

    @Test
    void readsAbortedRecordsWhenNotReadingCommittedOnly() {
        PartitionRecords records = new PartitionRecords(PARTITION, MemoryRecords.readableRecords(response()), 0,
                aborted(), false);
        assertRecords(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 11L, 12L, 14L, 15L), records);
        assertEquals(16, records.nextOffset());
    }

    @Test
    void continuesPastBatchesItSkipsAtTheEnd() {
        // From the aborted transaction on: nothing until 11, and a fetch of only markers moves past them.
        ByteBuffer all = response();
        PartitionRecords records = new PartitionRecords(PARTITION, MemoryRecords.readableRecords(all), 8, aborted(), true);
        assertRecords(List.of(11L, 12L, 14L, 15L), records);
        ByteBuffer markerOnly = MemoryRecords.withEndTransactionMarker(10, 1010, 0, ABORTED_PRODUCER, (short) 0,
                new EndTransactionMarker(ControlRecordType.ABORT, 0)).buffer();
        PartitionRecords marker = new PartitionRecords(PARTITION, MemoryRecords.readableRecords(markerOnly), 10,
                List.of(), true);
        assertEquals(false, marker.next());
        assertEquals(11, marker.nextOffset());
    }

    @Test
    void failsOnABatchWhoseChecksumDoesNotMatch() {
        ByteBuffer all = response();
        all.put(70, (byte) (all.get(70) ^ 1));  // a byte of the first batch's first record
        PartitionRecords records = new PartitionRecords(PARTITION, MemoryRecords.readableRecords(all), 0, List.of(), true);
        assertThrows(CorruptRecordException.class, records::next);
    }

    @Test
    void readsVarintsOfEveryLengthAsKafkasIteratorDoes() {
        // Lengths, timestamp deltas (negative ones too) and offset deltas whose varints take 1 to 5 bytes (10 for
        // the timestamp's varlong), and header counts past one byte.
        List<SimpleRecord> records = new ArrayList<>();
        int[] lengths = {0, 1, 63, 64, 127, 128, 8191, 8192, 16384, 1_048_576, 2_097_152};
        long[] deltas = {0, -1, 63, -64, 64, 1L << 20, -(1L << 35), 1L << 40, Long.MAX_VALUE / 4};
        for (int i = 0; i < 300; i++) {
            byte[] value = new byte[lengths[i % lengths.length]];
            Arrays.fill(value, (byte) ('a' + i % 26));
            Header[] headers = new Header[i == 7 ? 70 : i % 3];
            for (int h = 0; h < headers.length; h++) {
                headers[h] = new RecordHeader("h" + h, h % 2 == 0 ? null : bytes("v" + i));
            }
            records.add(new SimpleRecord(1_000_000_000_000L + deltas[i % deltas.length], i % 5 == 0 ? null : bytes("k" + i),
                    value, headers));
        }
        ByteBuffer response = MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V2, 5_000_000_000L, Compression.NONE,
                TimestampType.CREATE_TIME, records.toArray(SimpleRecord[]::new)).buffer();
        PartitionRecords read = new PartitionRecords(PARTITION, MemoryRecords.readableRecords(response.duplicate()),
                5_000_000_000L, List.of(), false);
        int n = 0;
        for (Record want : MemoryRecords.readableRecords(response.duplicate()).records()) {
            assertEquals(true, read.next(), "record at " + want.offset());
            assertEquals(want.offset(), read.offset());
            assertEquals(want.timestamp(), read.timestamp(), "timestamp at " + want.offset());
            assertArrayEquals(array(want.key()), slice(read, read.keyOffset(), read.keyLength()));
            assertArrayEquals(array(want.value()), slice(read, read.valueOffset(), read.valueLength()));
            assertEquals(Arrays.asList(want.headers()), Arrays.asList(read.headers()), "headers at " + want.offset());
            n++;
        }
        assertEquals(300, n);
        assertEquals(false, read.next());
        assertEquals(5_000_000_300L, read.nextOffset());
    }

    @Test
    void failsOnARecordThatRunsPastItsBatch() {
        ByteBuffer batch = MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V2, 0, Compression.NONE,
                TimestampType.CREATE_TIME, record(1000, "k0", "v0"), record(1001, "k1", "v1")).buffer();
        int firstRecord = batch.position() + 61;
        batch.put(firstRecord, (byte) 0x7e);  // its length, 63 (zigzag): past the batch's end
        // The CRC covers the record: make it match, so that only the record's own fields are at fault.
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        ByteBuffer covered = batch.duplicate();
        covered.position(batch.position() + 21);
        crc.update(covered);
        batch.putInt(batch.position() + 17, (int) crc.getValue());
        PartitionRecords read = new PartitionRecords(PARTITION, MemoryRecords.readableRecords(batch), 0, List.of(), false);
        CorruptRecordException e = assertThrows(CorruptRecordException.class, read::next);
        assertEquals(true, e.getMessage().contains(PARTITION.toString()), e.getMessage());
    }

    /** The records read are those Kafka's own iterator gives at {@code offsets}, field by field. */
    private static void assertRecords(List<Long> offsets, PartitionRecords records) {
        List<Record> expected = new ArrayList<>();
        for (Record r : MemoryRecords.readableRecords(response()).records()) {
            if (offsets.contains(r.offset())) {
                expected.add(r);
            }
        }
        assertEquals(offsets.size(), expected.size(), "the reference holds every offset");
        for (Record want : expected) {
            assertEquals(true, records.next(), "record at " + want.offset());
            assertEquals(want.offset(), records.offset());
            assertEquals(want.offset() >= 14 ? 5000 : 1000 + want.offset(), want.timestamp(), "the reference's");
            assertEquals(want.timestamp(), records.timestamp(), "timestamp at " + want.offset());
            assertArrayEquals(array(want.key()), slice(records, records.keyOffset(), records.keyLength()));
            assertArrayEquals(array(want.value()), slice(records, records.valueOffset(), records.valueLength()));
            assertEquals(Arrays.asList(want.headers()), Arrays.asList(records.headers()), "headers at " + want.offset());
        }
        assertEquals(false, records.next());
    }

    private static byte[] slice(PartitionRecords records, int offset, int length) {
        return length < 0 ? null : Arrays.copyOfRange(records.bytes(), offset, offset + length);
    }

    private static byte[] array(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static SimpleRecord record(long timestamp, String key, String value, Header... headers) {
        return new SimpleRecord(timestamp, bytes(key), bytes(value), headers);
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
