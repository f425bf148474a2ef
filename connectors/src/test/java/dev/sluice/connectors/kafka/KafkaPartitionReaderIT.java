package dev.sluice.connectors.kafka;

import static dev.sluice.connectors.kafka.KafkaTestTables.CLICKS;
import static dev.sluice.connectors.kafka.KafkaTestTables.click;
import static dev.sluice.connectors.kafka.KafkaTestTables.drain;
import static dev.sluice.connectors.kafka.KafkaTestTables.openSource;
import static dev.sluice.connectors.kafka.KafkaTestTables.spec;
import static dev.sluice.connectors.kafka.KafkaTestTables.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.kafka.KafkaTestTables.Drained;
import dev.sluice.connectors.testing.SharedKafkaBroker;
import dev.sluice.execution.source.OffsetRange;
import dev.sluice.execution.source.PartitionReader;
import dev.sluice.execution.source.ScanSpec;
import dev.sluice.execution.source.SourceException;
import dev.sluice.execution.source.SourcePartition;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KafkaPartitionReaderIT {
    private static final long BASE_TIME = 1_700_000_000_000L;
    private static final int RECORDS = 20;
    private static String topic;

    private BufferAllocator allocator;
    private KafkaSource source;

    @BeforeAll
    static void writeClicks() {
        topic = SharedKafkaBroker.createTopic("reader", 2);
        for (int i = 0; i < RECORDS; i++) {
            // Record timestamps differ from the ts field, so each metadata column is checked on its own.
            assertEquals(i, SharedKafkaBroker.produce(topic, 1, BASE_TIME + 1000L * i, key(i),
                    click(i, "/p/" + i, i + 0.5, BASE_TIME + i)));
        }
        SharedKafkaBroker.produceValues(topic, 0, click(100, "/p/100", 1.0, BASE_TIME), click(101, "/p/101", 2.0, BASE_TIME));
    }

    @BeforeEach
    void setUp() {
        allocator = new RootAllocator();
        source = openSource(table("clicks", topic, CLICKS));
    }

    @AfterEach
    void tearDown() {
        source.close();
        allocator.close();
    }

    private static String key(int i) {
        return i % 5 == 0 ? null : "u" + i;
    }

    /** Row i of partition 1 with every column: declared, then partition, offset, timestamp, key, topic. */
    private List<Object> fullRow(int i) {
        return Arrays.asList(i, "/p/" + i, i + 0.5, VectorValues.toLocalDateTime(BASE_TIME + i),
                1, (long) i, VectorValues.toLocalDateTime(BASE_TIME + 1000L * i), key(i), topic);
    }

    @Test
    void readsExactlyAnOffsetRangeWithMetadata() {
        try (PartitionReader reader = source.openReader(spec(topic, 1, 3, 17, 1000, source.schema().names().toArray(String[]::new)), allocator)) {
            Drained drained = drain(reader);
            assertEquals(IntStream.range(3, 17).mapToObj(this::fullRow).toList(), drained.rows());
            assertEquals(List.of(14), drained.batchSizes());
            assertEquals(0, reader.malformedRecords());
        }
    }

    @Test
    void returnsRequestedColumnsInRequestedOrder() {
        try (PartitionReader reader = source.openReader(spec(topic, 1, 8, 11, 1000, "key", "amount", "offset", "user_id"), allocator)) {
            assertEquals(List.of(
                    Arrays.asList("u8", 8.5, 8L, 8),
                    Arrays.asList("u9", 9.5, 9L, 9),
                    Arrays.asList(null, 10.5, 10L, 10)), drain(reader).rows());
        }
    }

    @Test
    void readsMetadataOnly() {
        try (PartitionReader reader = source.openReader(spec(topic, 1, 2, 4, 1000, "key", "partition", "offset"), allocator)) {
            assertEquals(List.of(Arrays.asList("u2", 1, 2L), Arrays.asList("u3", 1, 3L)), drain(reader).rows());
        }
    }

    @Test
    void metadataOnlyReadsStillCheckRecordValues() {
        String notJson = SharedKafkaBroker.createTopic("not-json", 1);
        SharedKafkaBroker.produce(notJson, 0, 5L, "a", "this is not JSON");
        SharedKafkaBroker.produce(notJson, 0, 6L, null, null);
        SharedKafkaBroker.produce(notJson, 0, 7L, "c", click(7, "/ok", 1.0, 7));
        try (KafkaSource s = openSource(table("raw", notJson, CLICKS, "on-error", "skip"));
                PartitionReader reader = s.openReader(spec(notJson, 0, 0, 3, 1000, "timestamp", "key", "partition", "offset"), allocator)) {
            assertEquals(List.of(Arrays.asList(VectorValues.toLocalDateTime(7L), "c", 0, 2L)), drain(reader).rows());
            assertEquals(2, reader.malformedRecords());
        }
        // Format 'raw' reads any value, undecoded.
        RowSchema payload = RowSchema.of(Column.of("payload", ColumnType.VARCHAR));
        try (KafkaSource s = openSource(table("raw", notJson, payload, "format", "raw"))) {
            try (PartitionReader reader = s.openReader(spec(notJson, 0, 0, 3, 1000, "offset", "payload"), allocator)) {
                assertEquals(List.of(Arrays.asList(0L, "this is not JSON"), Arrays.asList(1L, null),
                        Arrays.asList(2L, click(7, "/ok", 1.0, 7))), drain(reader).rows());
                assertEquals(0, reader.malformedRecords());
            }
            try (PartitionReader reader = s.openReader(spec(notJson, 0, 0, 3, 1000, "key"), allocator)) {
                assertEquals(List.of(Arrays.asList("a"), Arrays.asList((Object) null), Arrays.asList("c")),
                        drain(reader).rows());
            }
        }
    }

    @Test
    void countsRowsWhenNoColumnIsRequested() {
        try (PartitionReader reader = source.openReader(spec(topic, 1, 3, 17, 10), allocator)) {
            Drained drained = drain(reader);
            assertEquals(List.of(10, 4), drained.batchSizes());
            assertEquals(14, drained.rows().size());
        }
    }

    @Test
    void splitsBatchesAtMaxBatchRows() {
        try (PartitionReader reader = source.openReader(spec(topic, 1, 0, RECORDS, 6, "user_id"), allocator)) {
            Drained drained = drain(reader);
            assertEquals(List.of(6, 6, 6, 2), drained.batchSizes());
            assertEquals(IntStream.range(0, RECORDS).mapToObj(i -> List.<Object>of(i)).toList(), drained.rows());
        }
    }

    @Test
    void emptyRangeHasNoBatch() {
        try (PartitionReader reader = source.openReader(spec(topic, 1, 7, 7, 10, "user_id"), allocator)) {
            assertNull(reader.next());
        }
        assertEquals(0, source.fetchersCreated());
    }

    @Test
    void reusesOneFetcherAcrossRangesAndPartitions() {
        List<Object> firstIds = new ArrayList<>();
        try (PartitionReader reader = source.openReader(spec(topic, 1, 0, 10, 1000, "user_id"), allocator)) {
            drain(reader).rows().forEach(r -> firstIds.add(r.get(0)));
        }
        List<Object> secondIds = new ArrayList<>();
        try (PartitionReader reader = source.openReader(spec(topic, 1, 10, 20, 1000, "user_id"), allocator)) {
            drain(reader).rows().forEach(r -> secondIds.add(r.get(0)));
        }
        // Going back reads the same offsets again.
        List<Object> againIds = new ArrayList<>();
        try (PartitionReader reader = source.openReader(spec(topic, 1, 4, 6, 1000, "user_id"), allocator)) {
            drain(reader).rows().forEach(r -> againIds.add(r.get(0)));
        }
        assertEquals(IntStream.range(0, 10).boxed().toList(), firstIds);
        assertEquals(IntStream.range(10, 20).boxed().toList(), secondIds);
        assertEquals(List.of(4, 5), againIds);
        try (PartitionReader reader = source.openReader(spec(topic, 0, 0, 2, 1000, "user_id", "partition"), allocator)) {
            assertEquals(List.of(List.of(100, 0), List.of(101, 0)), drain(reader).rows());
        }
        assertEquals(1, source.fetchersCreated());
        assertEquals(1, source.fetcherPool().open());
    }

    @Test
    void aRangeEndingInsideARecordBatchLeavesTheRestToTheNext() {
        try (PartitionReader reader = source.openReader(spec(topic, 1, 0, 5, 1000, "user_id"), allocator)) {
            assertEquals(IntStream.range(0, 5).mapToObj(i -> List.<Object>of(i)).toList(), drain(reader).rows());
        }
        try (PartitionReader reader = source.openReader(spec(topic, 1, 5, RECORDS, 1000, "user_id"), allocator)) {
            assertEquals(IntStream.range(5, RECORDS).mapToObj(i -> List.<Object>of(i)).toList(), drain(reader).rows());
        }
    }

    @Test
    void readsManyPartitionsWithABoundedNumberOfFetchers() {
        int partitions = KafkaSource.FETCHER_POOL_CAPACITY * 2 + 3;
        String wide = SharedKafkaBroker.createTopic("wide", partitions);
        for (int p = 0; p < partitions; p++) {
            int partition = p;
            SharedKafkaBroker.produceValues(wide, p, IntStream.range(0, 3)
                    .mapToObj(i -> click(partition * 10 + i, "/w", i, BASE_TIME)).toList());
        }
        try (KafkaSource s = openSource(table("wide", wide, CLICKS))) {
            for (int round = 0; round < 2; round++) {
                for (int p = 0; p < partitions; p++) {
                    try (PartitionReader reader = s.openReader(spec(wide, p, 0, 3, 1000, "user_id", "partition"), allocator)) {
                        int partition = p;
                        assertEquals(IntStream.range(0, 3).mapToObj(i -> List.<Object>of(partition * 10 + i, partition))
                                .toList(), drain(reader).rows(), "partition " + p + ", round " + round);
                    }
                    assertTrue(s.fetcherPool().open() <= KafkaSource.FETCHER_POOL_CAPACITY);
                }
            }
            assertEquals(1, s.fetchersCreated(), "one reader at a time: one fetcher");
        }
    }

    @Test
    void readsAGroupOfPartitionsWithOneFetcher() {
        int partitions = 5;
        String grouped = SharedKafkaBroker.createTopic("grouped", partitions);
        for (int p = 0; p < partitions; p++) {
            int partition = p;
            SharedKafkaBroker.produceValues(grouped, p, IntStream.range(0, 30 + p)
                    .mapToObj(i -> click(partition * 100 + i, "/g", i, BASE_TIME)).toList());
        }
        // Ranges of every length, one empty; batches of at most 7 rows, each of one partition.
        long[][] ranges = {{0, 30}, {5, 20}, {0, 0}, {0, 33}, {10, 34}};
        try (KafkaSource s = openSource(table("grouped", grouped, CLICKS))) {
            for (int round = 0; round < 2; round++) {
                List<OffsetRange> group = new ArrayList<>();
                for (int p = 0; p < partitions; p++) {
                    long shift = round == 0 ? 0 : ranges[p][1] - ranges[p][0];
                    long until = Math.min(ranges[p][1] + shift, 30 + p);
                    group.add(new OffsetRange(new SourcePartition(grouped, p), Math.min(ranges[p][0] + shift, until), until));
                }
                Map<Integer, List<Object>> read;
                try (PartitionReader reader = s.openReader(new ScanSpec(group, List.of("user_id", "partition"), 7),
                        allocator)) {
                    read = readGroup(reader, batch -> assertTrue(batch.getRowCount() <= 7,
                            "batch of " + batch.getRowCount()));
                    assertEquals(0, reader.malformedRecords());
                }
                assertEquals(groupUserIds(group), read, "round " + round);
            }
            assertEquals(1, s.fetchersCreated());
        }
    }

    @Test
    void aGroupOfManyPartitionsReturnsBatchesOfOnePartitionEach() {
        int partitions = 19;
        String grouped = groupTopic("windowed", partitions);
        try (KafkaSource s = openSource(table("windowed", grouped, CLICKS))) {
            for (int round = 0; round < 2; round++) {
                // Round 0 reads the first 6 records of each partition (none of partition 3), round 1 the rest: ranges
                // longer than the batches of 4 rows.
                List<OffsetRange> group = new ArrayList<>();
                for (int p = 0; p < partitions; p++) {
                    long split = p == 3 ? 0 : 6;
                    group.add(round == 0 ? new OffsetRange(new SourcePartition(grouped, p), 0, split)
                            : new OffsetRange(new SourcePartition(grouped, p), split, 10 + p));
                }
                Map<Integer, List<Object>> read;
                try (PartitionReader reader = s.openReader(new ScanSpec(group, List.of("user_id", "partition"), 4),
                        allocator)) {
                    read = readGroup(reader, batch -> assertTrue(batch.getRowCount() <= 4));
                }
                assertEquals(groupUserIds(group), read, "round " + round);
            }
            assertEquals(1, s.fetchersCreated());
        }
    }

    /**
     * A live topic's batches: a few new records of each partition, read to the end of what Kafka has, with records
     * written after the batch was planned left to the next batch.
     */
    @Test
    void aGroupReadsALiveTopicBatchAfterBatch() {
        int partitions = 19;
        String live = SharedKafkaBroker.createTopic("live", partitions);
        try (KafkaSource s = openSource(table("live", live, CLICKS))) {
            long[] end = new long[partitions];
            for (int round = 0; round < 5; round++) {
                int records = round == 3 ? 5 : round == 4 ? 0 : 3;
                for (int p = 0; p < partitions && records > 0; p++) {
                    int partition = p;
                    long from = end[p];
                    SharedKafkaBroker.produceValues(live, p, LongStream.range(from, from + records)
                            .mapToObj(i -> click(partition * 100 + (int) i, "/l", (int) i, BASE_TIME)).toList());
                }
                // Round 3 leaves 2 of the new records of each partition to round 4.
                int read = round == 3 ? 3 : round == 4 ? 2 : records;
                List<OffsetRange> group = new ArrayList<>();
                for (int p = 0; p < partitions; p++) {
                    group.add(new OffsetRange(new SourcePartition(live, p), end[p], end[p] + read));
                    end[p] += read;
                }
                Map<Integer, List<Object>> rows;
                try (PartitionReader reader = s.openReader(new ScanSpec(group, List.of("user_id", "partition"), 1000),
                        allocator)) {
                    rows = readGroup(reader, batch -> { });
                }
                assertEquals(groupUserIds(group), rows, "round " + round);
            }
            assertEquals(1, s.fetchersCreated());
        }
    }

    /**
     * Records large enough that fetch responses are received into the fetcher's reused buffers (responses of 64 KB
     * or more), read over many polls and two batches: every value is the one produced, so no response was read after
     * its buffer took a later one.
     */
    @Test
    void readsLargeRecordsOverManyResponsesExactly() {
        int partitions = 3;
        int records = 1500;
        String large = SharedKafkaBroker.createTopic("large-records", partitions);
        Map<Integer, List<List<Object>>> produced = new TreeMap<>();
        for (int p = 0; p < partitions; p++) {
            List<String> values = new ArrayList<>();
            for (int i = 0; i < records; i++) {
                // ~1 KB of each record's own bytes: a byte read from another response would show.
                String page = "/p" + p + "-" + i + "-" + Integer.toHexString((p * 7919 + i) * 104729).repeat(110);
                values.add(click(p * 10_000 + i, page, i, BASE_TIME));
                produced.computeIfAbsent(p, k -> new ArrayList<>()).add(List.of(p * 10_000 + i, page));
            }
            SharedKafkaBroker.produceValues(large, p, values);
        }
        try (KafkaSource s = openSource(table("large", large, CLICKS))) {
            Map<Integer, List<List<Object>>> read = new TreeMap<>();
            for (long[] half : new long[][] {{0, 700}, {700, records}}) {
                List<OffsetRange> group = new ArrayList<>();
                for (int p = 0; p < partitions; p++) {
                    group.add(new OffsetRange(new SourcePartition(large, p), half[0], half[1]));
                }
                try (PartitionReader reader = s.openReader(new ScanSpec(group, List.of("user_id", "page"), 256),
                        allocator)) {
                    for (VectorSchemaRoot next = reader.next(); next != null; next = reader.next()) {
                        try (VectorSchemaRoot batch = next) {
                            read.computeIfAbsent(reader.partition().partition(), k -> new ArrayList<>())
                                    .addAll(VectorValues.rows(batch));
                        }
                    }
                }
            }
            assertEquals(produced, read);
        }
    }

    /** A new topic whose partition p holds 10 + p records, the one at offset o with user id p * 100 + o. */
    private static String groupTopic(String name, int partitions) {
        String topic = SharedKafkaBroker.createTopic(name, partitions);
        for (int p = 0; p < partitions; p++) {
            int partition = p;
            SharedKafkaBroker.produceValues(topic, p, IntStream.range(0, 10 + p)
                    .mapToObj(i -> click(partition * 100 + i, "/g", i, BASE_TIME)).toList());
        }
        return topic;
    }

    /** The user ids a group test's ranges hold (partition p's record at offset o has id p * 100 + o), per partition. */
    private static Map<Integer, List<Object>> groupUserIds(List<OffsetRange> group) {
        Map<Integer, List<Object>> expected = new TreeMap<>();
        for (OffsetRange r : group) {
            int p = r.partition().partition();
            if (!r.isEmpty()) {
                expected.put(p, LongStream.range(r.fromOffset(), r.untilOffset())
                        .mapToObj(o -> (Object) (int) (p * 100 + o)).toList());
            }
        }
        return expected;
    }

    /**
     * Reads every batch of a group's reader, each first given to {@code check}, into its user ids per partition,
     * checking that each batch's (user_id, partition) rows are all of the reader's partition.
     */
    private static Map<Integer, List<Object>> readGroup(PartitionReader reader,
                                                        java.util.function.Consumer<VectorSchemaRoot> check) {
        Map<Integer, List<Object>> read = new TreeMap<>();
        for (VectorSchemaRoot next = reader.next(); next != null; next = reader.next()) {
            try (VectorSchemaRoot batch = next) {
                check.accept(batch);
                for (List<Object> row : VectorValues.rows(batch)) {
                    assertEquals(reader.partition().partition(), row.get(1), "a batch of one partition");
                    read.computeIfAbsent((Integer) row.get(1), p -> new ArrayList<>()).add(row.get(0));
                }
            }
        }
        return read;
    }

    @Test
    void aGroupFailsNamingAPartitionWhoseRecordsDoNotArrive() {
        try (KafkaSource s = openSource(table("slow", topic, CLICKS, "scan.read-timeout-ms", "1000"));
                PartitionReader reader = s.openReader(new ScanSpec(List.of(
                        new OffsetRange(new SourcePartition(topic, 0), 0, 2),
                        new OffsetRange(new SourcePartition(topic, 1), 18, 25)), List.of("user_id"), 1000), allocator)) {
            SourceException e = assertThrows(SourceException.class, () -> drain(reader));
            assertEquals("No record of " + topic + "-1 (table 'slow') arrived for 1000 ms while reading offsets [18, 25) "
                    + "at offset 20 from Kafka at '" + SharedKafkaBroker.bootstrapServers()
                    + "' (option 'scan.read-timeout-ms')", e.getMessage());
        }
    }

    /** A transactional producer, its transactions initialised, with an id of its own per topic. */
    private static KafkaProducer<String, String> transactionalProducer(String topic) {
        KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafkaBroker.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "reader-test-" + topic),
                new StringSerializer(), new StringSerializer());
        producer.initTransactions();
        return producer;
    }

    @Test
    void readsThroughTransactionMarkers() throws Exception {
        String txTopic = SharedKafkaBroker.createTopic("transactional", 1);
        try (KafkaProducer<String, String> producer = transactionalProducer(txTopic)) {
            for (int batch = 0; batch < 2; batch++) {
                producer.beginTransaction();
                for (int i = 0; i < 3; i++) {
                    int id = batch * 3 + i;
                    producer.send(new ProducerRecord<>(txTopic, 0, null, click(id, "/t", id, 0)));
                }
                producer.commitTransaction();
            }
        }
        // Offsets 0-2 and 4-6 hold records; 3 and 7 hold commit markers.
        try (KafkaSource s = openSource(table("tx", txTopic, CLICKS, "scan.read-timeout-ms", "5000"))) {
            assertEquals(8L, s.latestOffsets().values().iterator().next());
            try (PartitionReader reader = s.openReader(spec(txTopic, 0, 0, 8, 1000, "user_id", "offset"), allocator)) {
                assertEquals(List.of(List.of(0, 0L), List.of(1, 1L), List.of(2, 2L), List.of(3, 4L), List.of(4, 5L),
                        List.of(5, 6L)), drain(reader).rows());
            }
            try (PartitionReader reader = s.openReader(spec(txTopic, 0, 3, 4, 1000, "user_id"), allocator)) {
                assertNull(reader.next());
            }
        }
    }

    @Test
    void aGroupReadsThroughTransactionMarkersAndAbortedRecords() throws Exception {
        // Two partitions, each: a committed transaction, an aborted one, a committed one. Every range ends on a
        // marker, which only an empty poll's positions reveal while the other partition still delivers records.
        String txTopic = SharedKafkaBroker.createTopic("transactional-group", 2);
        try (KafkaProducer<String, String> producer = transactionalProducer(txTopic)) {
            for (int t = 0; t < 3; t++) {
                producer.beginTransaction();
                for (int p = 0; p < 2; p++) {
                    for (int i = 0; i < 3 + p * 40; i++) {
                        int id = p * 1000 + t * 100 + i;
                        producer.send(new ProducerRecord<>(txTopic, p, null, click(id, "/t", id, 0)));
                    }
                }
                producer.flush();
                if (t == 1) {
                    producer.abortTransaction();
                } else {
                    producer.commitTransaction();
                }
            }
        }
        try (KafkaSource s = openSource(table("txg", txTopic, CLICKS, "scan.read-timeout-ms", "5000",
                "properties.isolation.level", "read_committed"))) {
            Map<SourcePartition, Long> end = s.latestOffsets();
            List<OffsetRange> group = new ArrayList<>();
            end.forEach((partition, until) -> group.add(new OffsetRange(partition, 0, until)));
            Map<Integer, List<Object>> read = new TreeMap<>();
            try (PartitionReader reader = s.openReader(new ScanSpec(group, List.of("user_id", "partition"), 1000),
                    allocator)) {
                for (List<Object> row : drain(reader).rows()) {
                    read.computeIfAbsent((Integer) row.get(1), p -> new ArrayList<>()).add(row.get(0));
                }
            }
            Map<Integer, List<Object>> expected = new TreeMap<>();
            for (int p = 0; p < 2; p++) {
                for (int t : new int[] {0, 2}) {
                    for (int i = 0; i < 3 + p * 40; i++) {
                        expected.computeIfAbsent(p, x -> new ArrayList<>()).add(p * 1000 + t * 100 + i);
                    }
                }
            }
            assertEquals(expected, read);
        }
    }

    @Test
    void readsCompressedBatches() {
        // Keys and values are read where they lie in the fetched (here decompressed) bytes, not copied out.
        for (String codec : List.of("gzip", "snappy", "lz4", "zstd")) {
            String compressed = SharedKafkaBroker.createTopic("compressed-" + codec, 1);
            List<List<Object>> expected = new ArrayList<>();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafkaBroker.bootstrapServers(),
                    ProducerConfig.COMPRESSION_TYPE_CONFIG, codec, ProducerConfig.LINGER_MS_CONFIG, 50),
                    new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 500; i++) {
                    String page = "/p/" + "é".repeat(i % 7) + i;
                    String key = i % 9 == 0 ? null : "k" + i;
                    producer.send(new ProducerRecord<>(compressed, 0, key, click(i, page, i / 4.0, BASE_TIME + i)));
                    expected.add(Arrays.asList(key, i, page, i / 4.0, (long) i));
                }
            }
            try (KafkaSource s = openSource(table("c_" + codec, compressed, CLICKS));
                    PartitionReader reader = s.openReader(spec(compressed, 0, 0, 500, 128, "key", "user_id", "page",
                            "amount", "offset"), allocator)) {
                assertEquals(expected, drain(reader).rows(), codec);
                assertEquals(0, reader.malformedRecords(), codec);
            }
        }
    }

    @Test
    void failsNamingThePartitionWhenRecordsDoNotArrive() {
        try (KafkaSource s = openSource(table("slow", topic, CLICKS, "scan.read-timeout-ms", "1000"));
                PartitionReader reader = s.openReader(spec(topic, 1, 18, 25, 1000, "user_id"), allocator)) {
            long started = System.nanoTime();
            SourceException e = assertThrows(SourceException.class, () -> drain(reader));
            assertEquals("No record of " + topic + "-1 (table 'slow') arrived for 1000 ms while reading offsets [18, 25) "
                    + "at offset 20 from Kafka at '" + SharedKafkaBroker.bootstrapServers()
                    + "' (option 'scan.read-timeout-ms')", e.getMessage());
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) < 10_000);
        }
    }

    @Test
    void failsNamingTheOffsetsWhenTheyWereDeleted() throws Exception {
        String retained = SharedKafkaBroker.createTopic("retained", 1);
        SharedKafkaBroker.produceValues(retained, 0, IntStream.range(0, 10).mapToObj(i -> click(i, "/r", i, 0)).toList());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafkaBroker.bootstrapServers()))) {
            admin.deleteRecords(Map.of(new TopicPartition(retained, 0), RecordsToDelete.beforeOffset(6))).all().get();
        }
        try (KafkaSource s = openSource(table("retained", retained, CLICKS))) {
            assertEquals(6L, s.earliestOffsets().values().iterator().next());
            try (PartitionReader reader = s.openReader(spec(retained, 0, 2, 8, 1000, "user_id"), allocator)) {
                SourceException e = assertThrows(SourceException.class, () -> drain(reader));
                assertEquals("Offset 2 of " + retained + "-0 (table 'retained', reading offsets [2, 8)) is out of range: "
                        + "available offsets are [6, 10); older records were deleted by retention", e.getMessage());
            }
            // The failed fetcher is not reused; a new one reads what is left.
            try (PartitionReader reader = s.openReader(spec(retained, 0, 6, 10, 1000, "user_id"), allocator)) {
                assertEquals(List.of(List.of(6), List.of(7), List.of(8), List.of(9)), drain(reader).rows());
            }
            assertEquals(2, s.fetchersCreated());
        }
    }

    @Test
    void refusesUnknownColumnsAndOtherTopics() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> source.openReader(spec(topic, 1, 0, 1, 10, "user_id", "nope"), allocator));
        assertEquals("Table 'clicks' has no column 'nope' (columns: user_id, page, amount, ts, partition, offset, "
                + "timestamp, key, topic)", unknown.getMessage());
        IllegalArgumentException otherTopic = assertThrows(IllegalArgumentException.class,
                () -> source.openReader(spec("elsewhere", 0, 0, 1, 10, "user_id"), allocator));
        assertEquals("Table 'clicks' does not read elsewhere-0", otherTopic.getMessage());
    }
}
