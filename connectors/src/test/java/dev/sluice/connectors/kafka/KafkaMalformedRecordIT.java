package dev.sluice.connectors.kafka;

import static dev.sluice.connectors.kafka.KafkaTestTables.CLICKS;
import static dev.sluice.connectors.kafka.KafkaTestTables.click;
import static dev.sluice.connectors.kafka.KafkaTestTables.drain;
import static dev.sluice.connectors.kafka.KafkaTestTables.openSource;
import static dev.sluice.connectors.kafka.KafkaTestTables.spec;
import static dev.sluice.connectors.kafka.KafkaTestTables.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.connectors.kafka.KafkaTestTables.Drained;
import dev.sluice.connectors.testing.SharedKafkaBroker;
import dev.sluice.execution.connector.ConnectorContext;
import dev.sluice.execution.source.MalformedRecordException;
import dev.sluice.execution.source.OffsetRange;
import dev.sluice.execution.source.PartitionReader;
import dev.sluice.execution.source.ScanSpec;
import dev.sluice.execution.source.SourcePartition;
import dev.sluice.execution.testing.ArrowTestBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Records that can't be decoded, under each 'on-error' policy. */
class KafkaMalformedRecordIT extends ArrowTestBase {
    private static final String INVALID_JSON = "{\"user_id\": 2, \"page\": ";
    private static final String WRONG_TYPE = "{\"user_id\": 4, \"amount\": \"abc\"}";
    private static final List<String> VALUES = List.of(click(0, "/a", 1.5, 0), click(1, "/b", 2.5, 0), INVALID_JSON,
            click(3, "/d", 3.5, 0), WRONG_TYPE, click(5, "/f", 4.5, 0));
    private static String topic;

    @BeforeAll
    static void writeRecords() {
        topic = SharedKafkaBroker.createTopic("malformed", 1);
        SharedKafkaBroker.produce(topic, 0, "k0", VALUES.get(0));
        SharedKafkaBroker.produce(topic, 0, "k1", VALUES.get(1));
        SharedKafkaBroker.produce(new ProducerRecord<>(topic, 0, "k2", VALUES.get(2),
                SharedKafkaBroker.headers("origin", "test")));
        SharedKafkaBroker.produce(topic, 0, "k3", VALUES.get(3));
        SharedKafkaBroker.produce(topic, 0, null, VALUES.get(4));
        SharedKafkaBroker.produce(topic, 0, "k5", VALUES.get(5));
    }

    @Test
    void failsOnInvalidJsonNamingTableTopicPartitionAndOffset() {
        try (KafkaSource source = openSource(table("clicks", topic, CLICKS));
                PartitionReader reader = source.openReader(spec(topic, 0, 0, 6, 100, "user_id", "page"), allocator)) {
            MalformedRecordException e = assertThrows(MalformedRecordException.class, () -> drain(reader));
            assertEquals(new SourcePartition(topic, 0), e.partition());
            assertEquals(2, e.offset());
            assertEquals("Malformed record in table 'clicks' at " + topic + "-0 offset 2: invalid JSON at column 24: "
                    + "Unexpected end-of-input within/between Object entries", e.getMessage());
        }
    }

    @Test
    void failsOnTypeMismatchNamingTheColumn() {
        try (KafkaSource source = openSource(table("clicks", topic, CLICKS));
                PartitionReader reader = source.openReader(spec(topic, 0, 3, 6, 100, "amount"), allocator)) {
            MalformedRecordException e = assertThrows(MalformedRecordException.class, () -> drain(reader));
            assertEquals("Malformed record in table 'clicks' at " + topic + "-0 offset 4: column 'amount' (DOUBLE): "
                    + "expected a number, found string \"abc\"", e.getMessage());
        }
    }

    @Test
    void skipsAndCountsMalformedRecords() {
        try (KafkaSource source = openSource(table("clicks", topic, CLICKS, "on-error", "skip"));
                PartitionReader reader = source.openReader(spec(topic, 0, 0, 6, 2, "user_id", "page", "amount", "key", "offset"), allocator)) {
            Drained drained = drain(reader);
            assertEquals(List.of(
                    List.of(0, "/a", 1.5, "k0", 0L),
                    List.of(1, "/b", 2.5, "k1", 1L),
                    List.of(3, "/d", 3.5, "k3", 3L),
                    List.of(5, "/f", 4.5, "k5", 5L)), drained.rows());
            assertEquals(List.of(2, 2), drained.batchSizes());
            assertEquals(2, reader.malformedRecords());
        }
    }

    @Test
    void writesMalformedRecordsToTheDeadLetterTopic() {
        String deadLetters = SharedKafkaBroker.createTopic("dead-letters", 1);
        try (KafkaSource source = openSource(table("clicks", topic, CLICKS, "on-error", "dead-letter",
                "dead-letter.topic", deadLetters))) {
            try (PartitionReader reader = source.openReader(spec(topic, 0, 0, 4, 100, "user_id"), allocator)) {
                assertEquals(List.of(List.of(0), List.of(1), List.of(3)), drain(reader).rows());
                assertEquals(1, reader.malformedRecords());
            }
            // The range is reported done only once its dead letters are written: readable right away.
            assertEquals(List.of(INVALID_JSON), SharedKafkaBroker.readValues(deadLetters));
            try (PartitionReader reader = source.openReader(spec(topic, 0, 4, 6, 100, "amount"), allocator)) {
                assertEquals(List.of(List.of(4.5)), drain(reader).rows());
                assertEquals(1, reader.malformedRecords());
            }
        }
        List<ConsumerRecord<String, String>> letters = SharedKafkaBroker.readAll(deadLetters);
        assertEquals(List.of("k2|" + INVALID_JSON + "|test", "null|" + WRONG_TYPE + "|null"),
                letters.stream().map(r -> r.key() + "|" + r.value() + "|" + SharedKafkaBroker.header(r, "origin")).toList());
        ConsumerRecord<String, String> wrongType = letters.get(1);
        assertEquals("column 'amount' (DOUBLE): expected a number, found string \"abc\"",
                SharedKafkaBroker.header(wrongType, "sluice.error"));
        assertEquals(topic, SharedKafkaBroker.header(wrongType, "sluice.topic"));
        assertEquals("0", SharedKafkaBroker.header(wrongType, "sluice.partition"));
        assertEquals("4", SharedKafkaBroker.header(wrongType, "sluice.offset"));
        assertEquals("2", SharedKafkaBroker.header(letters.get(0), "sluice.offset"));
    }

    @Test
    void aGroupOfPartitionsWritesEachPartitionsDeadLettersExactlyOnce() {
        // The same records in two partitions, read as one group: each partition's range has its own dead letters.
        String twoPartitions = SharedKafkaBroker.createTopic("malformed-group", 2);
        for (int p = 0; p < 2; p++) {
            SharedKafkaBroker.produceValues(twoPartitions, p, VALUES);
        }
        String deadLetters = SharedKafkaBroker.createTopic("dead-letters-group", 1);
        ScanSpec group = new ScanSpec(List.of(new OffsetRange(new SourcePartition(twoPartitions, 0), 0, 6),
                new OffsetRange(new SourcePartition(twoPartitions, 1), 1, 5)), List.of("user_id", "partition"), 100);
        try (KafkaSource source = openSource(table("clicks", twoPartitions, CLICKS, "on-error", "dead-letter",
                "dead-letter.topic", deadLetters))) {
            for (int run = 0; run < 2; run++) {  // a re-run of the same ranges writes no dead letter twice
                try (PartitionReader reader = source.openReader(group, allocator)) {
                    assertEquals(List.of(List.of(0, 0), List.of(1, 0), List.of(1, 1), List.of(3, 0), List.of(3, 1),
                            List.of(5, 0)), drain(reader).rows().stream()
                            .sorted(java.util.Comparator.comparing(r -> (Integer) r.get(0) * 10 + (Integer) r.get(1)))
                            .toList());
                    assertEquals(4, reader.malformedRecords());
                }
            }
        }
        List<ConsumerRecord<String, String>> letters = SharedKafkaBroker.readAll(deadLetters);
        assertEquals(List.of("0:2", "0:4", "1:2", "1:4"), letters.stream()
                .map(r -> SharedKafkaBroker.header(r, "sluice.partition") + ":" + SharedKafkaBroker.header(r, "sluice.offset"))
                .sorted().toList());
    }

    /** Column lists a query may read: none (COUNT(*)), metadata only, some value columns, all of them. */
    private static final List<List<String>> PROJECTIONS = List.of(
            List.of(),
            List.of("offset"),
            List.of("key", "partition", "timestamp", "topic"),
            List.of("user_id"),
            List.of("ts", "offset"),
            List.of("user_id", "page", "amount", "ts", "offset"));

    @Test
    void everyProjectionFailsAtTheSameRecordWithTheSameReason() {
        try (KafkaSource source = openSource(table("clicks", topic, CLICKS))) {
            for (List<String> columns : PROJECTIONS) {
                MalformedRecordException invalidJson = readFailure(source, 0, columns);
                assertEquals("Malformed record in table 'clicks' at " + topic + "-0 offset 2: invalid JSON at column 24: "
                        + "Unexpected end-of-input within/between Object entries", invalidJson.getMessage(), "reading " + columns);
                // The record at offset 4 has a good user_id but an amount of the wrong type.
                MalformedRecordException wrongType = readFailure(source, 3, columns);
                assertEquals("Malformed record in table 'clicks' at " + topic + "-0 offset 4: column 'amount' (DOUBLE): "
                        + "expected a number, found string \"abc\"", wrongType.getMessage(), "reading " + columns);
            }
        }
    }

    @Test
    void everyProjectionSkipsTheSameRecords() {
        try (KafkaSource source = openSource(table("clicks", topic, CLICKS, "on-error", "skip"))) {
            for (List<String> columns : PROJECTIONS) {
                assertEquals(goodOffsets(), readOffsets(source, columns), "reading " + columns);
            }
        }
    }

    @Test
    void everyProjectionSendsTheSameRecordsToTheDeadLetterTopic() {
        for (List<String> columns : PROJECTIONS) {
            String deadLetters = SharedKafkaBroker.createTopic("dead-letters", 1);
            // Each projection is another query: one query's re-read of a range would not write its dead letters again.
            ConnectorContext query = new ConnectorContext(Map.of(), UUID.randomUUID().toString());
            try (KafkaSource source = (KafkaSource) new KafkaConnector().createSource(table("clicks", topic, CLICKS,
                    "on-error", "dead-letter", "dead-letter.topic", deadLetters), query)) {
                assertEquals(goodOffsets(), readOffsets(source, columns), "reading " + columns);
            }
            assertEquals(List.of(INVALID_JSON, WRONG_TYPE), SharedKafkaBroker.readValues(deadLetters), "reading " + columns);
        }
    }

    /** The offsets of the records written as clicks, from the list written (not from a reader). */
    private static List<Long> goodOffsets() {
        List<Long> offsets = new ArrayList<>();
        for (int i = 0; i < VALUES.size(); i++) {
            if (!VALUES.get(i).equals(INVALID_JSON) && !VALUES.get(i).equals(WRONG_TYPE)) {
                offsets.add((long) i);
            }
        }
        return offsets;
    }

    private MalformedRecordException readFailure(KafkaSource source, long from, List<String> columns) {
        try (PartitionReader reader = source.openReader(spec(topic, 0, from, 6, 100, columns.toArray(String[]::new)),
                allocator)) {
            return assertThrows(MalformedRecordException.class, () -> drain(reader), "reading " + columns);
        }
    }

    /**
     * The offsets of the records a reader of {@code columns} returns (read with the "offset" column added,
     * or, for no column, counted and checked against the count of good records), and checks that it counted
     * the others as malformed.
     */
    private List<Long> readOffsets(KafkaSource source, List<String> columns) {
        List<String> read = new ArrayList<>(columns);
        if (!columns.isEmpty() && !columns.contains("offset")) {
            read.add("offset");
        }
        try (PartitionReader reader = source.openReader(spec(topic, 0, 0, 6, 2, read.toArray(String[]::new)), allocator)) {
            Drained drained = drain(reader);
            assertEquals(VALUES.size() - goodOffsets().size(), reader.malformedRecords(), "malformed reading " + columns);
            if (columns.isEmpty()) {
                assertEquals(goodOffsets().size(), drained.batchSizes().stream().mapToInt(Integer::intValue).sum());
                return goodOffsets();
            }
            int offsetColumn = read.indexOf("offset");
            return drained.rows().stream().map(r -> (Long) r.get(offsetColumn)).toList();
        }
    }

    @Test
    void nullValueIsMalformed() {
        String tombstones = SharedKafkaBroker.createTopic("tombstones", 1);
        SharedKafkaBroker.produce(tombstones, 0, "gone", null);
        SharedKafkaBroker.produce(tombstones, 0, "kept", click(7, "/k", 1.0, 0));
        try (KafkaSource source = openSource(table("t", tombstones, CLICKS));
                PartitionReader reader = source.openReader(spec(tombstones, 0, 0, 2, 100, "user_id"), allocator)) {
            MalformedRecordException e = assertThrows(MalformedRecordException.class, () -> drain(reader));
            assertEquals("Malformed record in table 't' at " + tombstones + "-0 offset 0: record value is null", e.getMessage());
        }
        try (KafkaSource source = openSource(table("t", tombstones, CLICKS, "on-error", "skip"));
                PartitionReader reader = source.openReader(spec(tombstones, 0, 0, 2, 100, "user_id", "key"), allocator)) {
            assertEquals(List.of(List.of(7, "kept")), drain(reader).rows());
            assertEquals(1, reader.malformedRecords());
        }
    }
}
