package dev.sluice.connectors.kafka;

import static dev.sluice.connectors.kafka.KafkaTestTables.CONTEXT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.ChangeBatches;
import dev.sluice.connectors.testing.SharedKafkaBroker;
import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.connector.ConnectorContext;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.sink.StreamSink;
import dev.sluice.execution.testing.ArrowTestBase;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The Kafka sink of a table with a primary key (Flink's upsert-kafka): records keyed by the key's JSON, the
 * net change of each key per batch (the new row, or a tombstone), in one transaction per batch; checked on the
 * real broker against the table the changes leave, computed in plain Java.
 */
class KafkaUpsertSinkIT extends ArrowTestBase {
    private static final RowSchema SCHEMA = RowSchema.of(new Column("k", ColumnType.BIGINT, false),
            Column.of("name", ColumnType.VARCHAR), Column.of("n", ColumnType.BIGINT));

    private static TableDescriptor table(String topic, List<String> key, String... extra) {
        TableDescriptor plain = KafkaTestTables.table("upserts", topic, SCHEMA, extra);
        return new TableDescriptor(plain.name(), SCHEMA, plain.options(), Optional.empty(), List.of(), key);
    }

    private static StreamSink sink(String topic, ConnectorContext context) {
        return new KafkaConnector().createSink(table(topic, List.of("k")), context);
    }

    /** A batch of changes: each row {k, name, n} with its weight. */
    private ChangeBatch changes(List<List<Object>> rows, int... weights) {
        return ChangeBatches.of(SCHEMA, rows, allocator, weights);
    }

    private static List<Object> row(long k, String name, long n) {
        return java.util.Arrays.asList(k, name, n);
    }

    /** The records of the topic (read_committed) as "key value" lines, in offset order (one partition). */
    private static List<String> records(String topic) {
        return SharedKafkaBroker.readAll(topic, true).stream().map(r -> r.key() + " " + r.value()).toList();
    }

    @Test
    void eachKeysNetChangeIsOneRecordKeyedByTheKeysJson() throws Exception {
        String topic = SharedKafkaBroker.createTopic("upsert", 1);
        try (StreamSink sink = sink(topic, CONTEXT)) {
            assertTrue(sink.takesChanges());
            try (ChangeBatch b = changes(List.of(row(1, "a", 10), row(2, "b", 20), row(3, "c", 30)), 1, 1, 1)) {
                sink.addChanges(0, SCHEMA, List.of(b));
            }
            // An update of 1 given insert first then delete, of 2 delete first; 3 deleted; 4 inserted and deleted.
            try (ChangeBatch b = changes(List.of(row(1, "a2", 11), row(1, "a", 10), row(2, "b", 20), row(2, "b2", 21),
                    row(3, "c", 30), row(4, "d", 40), row(4, "d", 40)), 1, -1, -1, 1, -1, 1, -1)) {
                sink.addChanges(1, SCHEMA, List.of(b));
            }
        }
        assertEquals(List.of(
                "{\"k\":1} {\"k\":1,\"name\":\"a\",\"n\":10}",
                "{\"k\":2} {\"k\":2,\"name\":\"b\",\"n\":20}",
                "{\"k\":3} {\"k\":3,\"name\":\"c\",\"n\":30}",
                "{\"k\":1} {\"k\":1,\"name\":\"a2\",\"n\":11}",
                "{\"k\":2} {\"k\":2,\"name\":\"b2\",\"n\":21}",
                "{\"k\":3} null"), records(topic));
    }

    @Test
    void randomChangesLeaveTheTopicEqualToTheTableTheyLeaveAndAReplayedBatchWritesNothing() throws Exception {
        String topic = SharedKafkaBroker.createTopic("upsert-random", 3);
        Random random = new Random(11);
        Map<Long, List<Object>> table = new LinkedHashMap<>();
        ConnectorContext context = new ConnectorContext(Map.of(), "random-" + topic);
        int batches = 8;
        List<List<List<Object>>> rowsOf = new ArrayList<>();
        List<int[]> weightsOf = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            List<List<Object>> rows = new ArrayList<>();
            List<Integer> weights = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                long k = random.nextInt(12);
                List<Object> old = table.get(k);
                if (old != null) {  // an update or a delete, the delete first or last
                    List<Object> now = random.nextInt(3) == 0 ? null : row(k, "v" + b + "-" + i, random.nextInt(100));
                    boolean deleteLast = random.nextBoolean();
                    if (now != null && deleteLast) {
                        rows.add(now);
                        weights.add(1);
                    }
                    rows.add(old);
                    weights.add(-1);
                    if (now != null && !deleteLast) {
                        rows.add(now);
                        weights.add(1);
                    }
                    if (now == null) {
                        table.remove(k);
                    } else {
                        table.put(k, now);
                    }
                } else {
                    List<Object> now = row(k, "v" + b + "-" + i, random.nextInt(100));
                    rows.add(now);
                    weights.add(1);
                    table.put(k, now);
                }
            }
            rowsOf.add(rows);
            weightsOf.add(weights.stream().mapToInt(Integer::intValue).toArray());
        }
        try (StreamSink sink = sink(topic, context)) {
            for (int b = 0; b < batches; b++) {
                try (ChangeBatch batch = changes(rowsOf.get(b), weightsOf.get(b))) {
                    sink.addChanges(b, SCHEMA, List.of(batch));
                }
            }
        }
        int written = records(topic).size();
        // A restarted query replays batches whose markers are committed: nothing is written again.
        try (StreamSink sink = sink(topic, context)) {
            for (int b = batches - 3; b < batches; b++) {
                try (ChangeBatch batch = changes(rowsOf.get(b), weightsOf.get(b))) {
                    sink.addChanges(b, SCHEMA, List.of(batch));
                }
            }
        }
        assertEquals(written, records(topic).size(), "replayed batches written again");
        Map<String, String> latest = new java.util.TreeMap<>();
        boolean tombstones = false;
        for (ConsumerRecord<String, String> r : SharedKafkaBroker.readAll(topic, true)) {
            if (r.value() == null) {
                tombstones = true;
                latest.remove(r.key());
            } else {
                latest.put(r.key(), r.value());
            }
        }
        assertTrue(tombstones, "some keys were deleted");
        Map<String, String> expected = new java.util.TreeMap<>();
        table.forEach((k, r) -> expected.put("{\"k\":" + k + "}", "{\"k\":" + k + ",\"name\":\"" + r.get(1)
                + "\",\"n\":" + r.get(2) + "}"));
        assertEquals(expected, latest);
    }

    @Test
    void twoLiveRowsOfOneKeyFailTheBatchNamingTheKey() throws Exception {
        String topic = SharedKafkaBroker.createTopic("upsert-dup", 1);
        try (StreamSink sink = sink(topic, CONTEXT);
                ChangeBatch b = changes(List.of(row(1, "a", 10), row(1, "b", 11)), 1, 1)) {
            IOException e = assertThrows(IOException.class, () -> sink.addChanges(0, SCHEMA, List.of(b)));
            assertTrue(e.getMessage().contains("2 rows with primary key {\"k\":1} [k]"), e.getMessage());
            assertTrue(e.getMessage().contains("not unique in the query's result"), e.getMessage());
        }
        assertEquals(List.of(), records(topic));
    }

    @Test
    void insertsIntoAKeyedTableAreKeyedByTheKeyAndAPlainTableRefusesChangesSayingToDeclareAKey() throws Exception {
        String topic = SharedKafkaBroker.createTopic("upsert-append", 1);
        try (StreamSink sink = sink(topic, CONTEXT);
                VectorSchemaRoot root = VectorValues.toBatch(SCHEMA, List.of(row(7, "x", 1)), allocator)) {
            sink.addBatch(0, SCHEMA, List.of(root));
        }
        assertEquals(List.of("{\"k\":7} {\"k\":7,\"name\":\"x\",\"n\":1}"), records(topic));
        try (StreamSink plain = new KafkaConnector().createSink(table(topic, List.of()), CONTEXT)) {
            assertFalse(plain.takesChanges());
            String how = plain.howToTakeChanges().orElseThrow();
            assertTrue(how.contains("PRIMARY KEY (...) NOT ENFORCED") && how.contains("'upserts'"), how);
        }
    }
}
