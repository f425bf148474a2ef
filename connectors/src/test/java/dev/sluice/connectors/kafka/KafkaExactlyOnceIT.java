package dev.sluice.connectors.kafka;

import static dev.sluice.connectors.kafka.KafkaTestTables.CLICKS;
import static dev.sluice.connectors.kafka.KafkaTestTables.click;
import static dev.sluice.connectors.kafka.KafkaTestTables.drain;
import static dev.sluice.connectors.kafka.KafkaTestTables.spec;
import static dev.sluice.connectors.kafka.KafkaTestTables.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import dev.sluice.execution.connector.ConnectorContext;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.error.EngineException;
import dev.sluice.execution.sink.BatchWriter;
import dev.sluice.execution.sink.StreamSink;
import dev.sluice.execution.source.PartitionReader;
import dev.sluice.execution.testing.ArrowTestBase;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The exactly-once Kafka sink and dead-letter writer against the real broker: a batch replayed after its
 * transaction committed is not written again, a crash inside a transaction leaves nothing visible to
 * read_committed readers, and a zombie producer of a "killed" process is fenced.
 */
class KafkaExactlyOnceIT extends ArrowTestBase {
    private static final RowSchema OUT = RowSchema.of(Column.of("n", ColumnType.BIGINT));

    /** A query's context: the same id is the same query restarted from its checkpoint. */
    private static ConnectorContext query(String id) {
        return new ConnectorContext(Map.of(), id, "q");
    }

    private static StreamSink sink(String topic, ConnectorContext query, String... options) {
        return new KafkaConnector().createSink(table("out", topic, OUT, options), query);
    }

    private VectorSchemaRoot rows(long... values) {
        VectorSchemaRoot root = VectorSchemaRoot.create(OUT.toArrowSchema(), allocator);
        root.allocateNew();
        for (int i = 0; i < values.length; i++) {
            ((BigIntVector) root.getVector("n")).setSafe(i, values[i]);
        }
        root.setRowCount(values.length);
        return root;
    }

    private void write(StreamSink sink, long batchId, long... values) throws Exception {
        try (VectorSchemaRoot root = rows(values)) {
            sink.addBatch(batchId, OUT, List.of(root));
        }
    }

    private static List<String> values(String topic, boolean readCommitted) {
        return SharedKafkaBroker.readAll(topic, readCommitted).stream().map(ConsumerRecord::value).toList();
    }

    /** Each partition's end offset for readers of {@code isolation}: the last stable offset for read_committed. */
    private static Map<Integer, Long> endOffsets(String topic, IsolationLevel isolation) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedKafkaBroker.bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            for (int p = 0; p < admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
                    p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<Integer, Long> ends = new java.util.TreeMap<>();
            admin.listOffsets(latest, new ListOffsetsOptions(isolation)).all().get()
                    .forEach((tp, info) -> ends.put(tp.partition(), info.offset()));
            return ends;
        }
    }

    private static List<String> json(long... values) {
        return java.util.Arrays.stream(values).mapToObj(v -> "{\"n\":" + v + "}").toList();
    }

    @Test
    void batchReplayedAfterItsTransactionCommittedIsNotWrittenAgain() throws Exception {
        String topic = SharedKafkaBroker.createTopic("eos-replay", 3);
        ConnectorContext q = query(UUID.randomUUID().toString());
        try (StreamSink sink = sink(topic, q)) {
            write(sink, 0, 1, 2);
            write(sink, 1, 3);
            write(sink, 2);  // an empty batch
        }
        // The query crashed after batch 1's transaction committed, before its commit marker: it restarts
        // and re-runs batch 1 (same rows), then runs batch 2 and 3.
        try (StreamSink restarted = sink(topic, q)) {
            write(restarted, 1, 3);
            write(restarted, 2);
            write(restarted, 3, 4, 5);
            write(restarted, 3, 4, 5);  // a retry of a batch in the same process, after it succeeded
        }
        List<String> committed = new ArrayList<>(values(topic, true));
        committed.sort(null);
        assertEquals(json(1, 2, 3, 4, 5), committed);
        // Another query (a new checkpoint) writing the same batch ids is not mistaken for a replay.
        try (StreamSink other = sink(topic, query(UUID.randomUUID().toString()))) {
            write(other, 0, 6);
        }
        assertEquals(6, values(topic, true).size());
    }

    @Test
    void crashInsideATransactionLeavesNothingVisibleAndTheZombieIsFenced() throws Exception {
        String topic = SharedKafkaBroker.createTopic("eos-crash", 1);
        String queryId = UUID.randomUUID().toString();
        KafkaProducer<byte[], byte[]> zombie = zombie(topic, queryId);
        try {
            assertEquals(json(100), values(topic, false));  // written, but uncommitted

            try (StreamSink restarted = sink(topic, query(queryId))) {
                write(restarted, 0, 1, 2);
            }
            // The restart fenced the zombie: it can no longer commit its half-written batch.
            assertThrows(ProducerFencedException.class, zombie::commitTransaction);
        } finally {
            zombie.close(java.time.Duration.ZERO);
        }
        assertEquals(json(1, 2), values(topic, true));
        assertEquals(json(100, 1, 2), values(topic, false));  // the aborted record stays, invisible to read_committed
    }

    /**
     * The producer of a killed process that ran query {@code queryId}: its transaction for batch 0 has a record
     * ({@code {"n":100}}) sent and flushed, never committed.
     */
    private static KafkaProducer<byte[], byte[]> zombie(String topic, String queryId) {
        KafkaProducer<byte[], byte[]> zombie = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafkaBroker.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "sluice-" + queryId + "-sink"),
                new ByteArraySerializer(), new ByteArraySerializer());
        zombie.initTransactions();
        zombie.beginTransaction();
        zombie.send(new ProducerRecord<>(topic, "{\"n\":100}".getBytes(StandardCharsets.UTF_8)));
        zombie.flush();
        return zombie;
    }

    /**
     * The transactional producer opens (fencing the killed process's) while the query starts, not in its first
     * batch: a sink opened and closed without a batch has fenced the zombie already.
     */
    @Test
    void openingTheSinkFencesTheZombieBeforeAnyBatch() throws Exception {
        String topic = SharedKafkaBroker.createTopic("eos-open-fences", 1);
        String queryId = UUID.randomUUID().toString();
        KafkaProducer<byte[], byte[]> zombie = zombie(topic, queryId);
        try {
            try (StreamSink opened = sink(topic, query(queryId))) {
                assertEquals(List.of(), values(topic, true));
            }
            assertThrows(ProducerFencedException.class, zombie::commitTransaction);
        } finally {
            zombie.close(java.time.Duration.ZERO);
        }
        assertEquals(List.of(), values(topic, true));
        // A sink opened again goes on from the markers as usual.
        try (StreamSink restarted = sink(topic, query(queryId))) {
            write(restarted, 0, 1, 2);
        }
        assertEquals(json(1, 2), values(topic, true));
    }

    @Test
    void failedBatchIsAbortedAndCanBeRetried() throws Exception {
        String topic = SharedKafkaBroker.createTopic("eos-retry", 1);
        ConnectorContext q = query(UUID.randomUUID().toString());
        // Records over 120 bytes fail: batch 1's second record makes the whole batch fail.
        try (StreamSink sink = sink(topic, q, "properties.max.request.size", "120")) {
            write(sink, 0, 1);
            RowSchema padded = RowSchema.of(Column.of("n", ColumnType.BIGINT), Column.of("pad", ColumnType.VARCHAR));
            try (VectorSchemaRoot big = VectorSchemaRoot.create(padded.toArrowSchema(), allocator)) {
                big.allocateNew();
                for (int row = 0; row < 2; row++) {
                    ((BigIntVector) big.getVector("n")).setSafe(row, 9);
                    ((VarCharVector) big.getVector("pad")).setSafe(row,
                            (row == 0 ? "x" : "x".repeat(200)).getBytes(StandardCharsets.UTF_8));
                }
                big.setRowCount(2);
                assertThrows(IOException.class, () -> sink.addBatch(1, padded, List.of(big)));
            }
            // Read uncommitted, the failed batch's first record may be in the log; read_committed it is not.
            assertEquals(json(1), values(topic, true));
            write(sink, 1, 2, 3);  // the retry of batch 1 with rows that fit
        }
        assertEquals(json(1, 2, 3), values(topic, true));
    }

    @Test
    void rowsWrittenAsTheyComeAreVisibleOnlyOnceTheirBatchCommits() throws Exception {
        String topic = SharedKafkaBroker.createTopic("eos-streamed", 2);
        ConnectorContext q = query(UUID.randomUUID().toString());
        try (StreamSink sink = sink(topic, q);
             VectorSchemaRoot a = rows(1, 2);
             VectorSchemaRoot b = rows(3)) {
            assertTrue(sink.writesRowsAsTheyCome());
            try (BatchWriter failed = sink.openBatch(0, OUT)) {
                failed.write(a);  // the batch then fails: closed without its commit, its transaction aborted
                // Once its records are on the broker, its transaction is open there.
                for (long deadline = System.nanoTime() + 30_000_000_000L; endOffsets(topic,
                        IsolationLevel.READ_UNCOMMITTED).values().stream().mapToLong(Long::longValue).sum() < 2; ) {
                    assertTrue(System.nanoTime() < deadline, "the failed attempt's records reached the broker");
                    Thread.sleep(20);
                }
            }
            // Aborted through the broker, not left open for the retry to fence: read_committed readers go on at once
            // (their last stable offset is the log's end again).
            assertEquals(endOffsets(topic, IsolationLevel.READ_UNCOMMITTED), endOffsets(topic, IsolationLevel.READ_COMMITTED));
            assertEquals(List.of(), values(topic, true));
            try (BatchWriter writer = sink.openBatch(0, OUT)) {
                writer.write(a);
                writer.write(b);
                writer.commit();
            }
            try (BatchWriter replay = sink.openBatch(0, OUT)) {
                replay.write(b);  // a replay of a committed batch writes nothing
                replay.commit();
            }
        }
        List<String> committed = new ArrayList<>(values(topic, true));
        committed.sort(null);
        assertEquals(json(1, 2, 3), committed, "the failed attempt's rows are not visible, the committed ones once");
    }

    @Test
    void atLeastOnceWritesAReplayedBatchAgain() throws Exception {
        String topic = SharedKafkaBroker.createTopic("alo-replay", 1);
        ConnectorContext q = query(UUID.randomUUID().toString());
        try (StreamSink sink = sink(topic, q, "sink.delivery-guarantee", "at-least-once")) {
            write(sink, 0, 1);
        }
        try (StreamSink restarted = sink(topic, q, "sink.delivery-guarantee", "at-least-once")) {
            write(restarted, 0, 1);
        }
        assertEquals(json(1, 1), values(topic, true));
    }

    @Test
    void invalidGuaranteeIsNamed() {
        EngineException e = assertThrows(EngineException.class,
                () -> KafkaTableOptions.parse(table("out", "t", OUT, "sink.delivery-guarantee", "twice")));
        assertEquals("Invalid value 'twice' for option 'sink.delivery-guarantee' of table 'out': expected "
                + "'exactly-once' or 'at-least-once'", e.getMessage());
    }

    /** Writes 10 records to partition 0 of a new topic, every third one malformed; returns the topic. */
    private static String topicWithMalformedRecords() {
        String topic = SharedKafkaBroker.createTopic("eos-dlq-in", 1);
        for (int i = 0; i < 10; i++) {
            SharedKafkaBroker.produce(topic, 0, "k" + i, i % 3 == 0 ? "not json " + i : click(i, "/p", i, 0));
        }
        return topic;
    }

    private int readRange(KafkaSource source, String topic, long from, long until) {
        try (PartitionReader reader = source.openReader(spec(topic, 0, from, until, 4, "user_id"), allocator)) {
            return drain(reader).rows().size();
        }
    }

    @Test
    void deadLettersOfARangeReadAgainAreNotWrittenAgain() {
        String topic = topicWithMalformedRecords();
        String deadLetters = SharedKafkaBroker.createTopic("eos-dlq", 1);
        TableDescriptor t = table("clicks", topic, CLICKS, "on-error", "dead-letter", "dead-letter.topic", deadLetters);
        ConnectorContext q = query(UUID.randomUUID().toString());
        try (KafkaSource source = (KafkaSource) new KafkaConnector().createSource(t, q)) {
            assertEquals(4, readRange(source, topic, 0, 6));   // offsets 0 and 3 malformed
            assertEquals(4, readRange(source, topic, 0, 6));   // the batch re-run in the same process
        }
        try (KafkaSource restarted = (KafkaSource) new KafkaConnector().createSource(t, q)) {
            assertEquals(4, readRange(restarted, topic, 0, 6));  // re-run after a restart
            assertEquals(2, readRange(restarted, topic, 6, 10));  // the next batch: offset 6 and 9 malformed
        }
        List<String> expected = IntStream.range(0, 10).filter(i -> i % 3 == 0).mapToObj(i -> "not json " + i).toList();
        assertEquals(expected, values(deadLetters, true));
        assertTrue(SharedKafkaBroker.readAll(deadLetters, true).stream()
                .allMatch(r -> SharedKafkaBroker.header(r, "sluice.offset").equals(r.value().substring(9))));
    }

    @Test
    void atLeastOnceDeadLettersAreWrittenAgainOnReRun() {
        String topic = topicWithMalformedRecords();
        String deadLetters = SharedKafkaBroker.createTopic("alo-dlq", 1);
        TableDescriptor t = table("clicks", topic, CLICKS, "on-error", "dead-letter", "dead-letter.topic", deadLetters,
                "dead-letter.delivery-guarantee", "at-least-once");
        try (KafkaSource source = (KafkaSource) new KafkaConnector().createSource(t, query(UUID.randomUUID().toString()))) {
            readRange(source, topic, 0, 4);
            readRange(source, topic, 0, 4);
        }
        assertEquals(List.of("not json 0", "not json 3", "not json 0", "not json 3"), values(deadLetters, true));
    }
}
