package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sluice.connectors.testing.SharedKafkaBroker;
import dev.sluice.execution.checkpoint.BatchOffsets;
import dev.sluice.execution.checkpoint.Checkpoint;
import dev.sluice.execution.source.SourcePartition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A continuous query commits each committed batch's end offsets to a Kafka consumer group, for Kafka's
 * tools to show its lag: checked with the admin client against the query's checkpoint and the topic.
 */
class ConsumerGroupOffsetsIT extends KafkaSessionFixture {
    private static final int PARTITIONS = 3;

    private String topic;
    private int produced;
    private Admin admin;

    @BeforeEach
    void setUp() {
        topic = SharedKafkaBroker.createTopic("lag", PARTITIONS);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafkaBroker.bootstrapServers()));
        createSource("src", "");
        message("CREATE TABLE copied (id INT) WITH ('connector'='memory')");
        message("SET trigger = available-now");
        message("SET maxOffsetsPerTrigger = 7");  // several batches per run
    }

    @AfterEach
    void tearDown() {
        admin.close();
    }

    private void createSource(String name, String extraOptions) {
        message("CREATE TABLE " + name + " (id INT) WITH ('connector'='kafka', 'topic'='" + topic
                + "', 'format'='json'" + extraOptions + ")");
    }

    private void produce(int n) {
        for (int i = 0; i < n; i++) {
            int id = produced++;
            SharedKafkaBroker.produce(topic, id % PARTITIONS, null, "{\"id\": " + id + "}");
        }
    }

    private StreamingQuery copy(String name, String table) throws InterruptedException {
        StreamingQuery q = runNamed(name, "INSERT INTO copied SELECT STREAM id FROM " + table);
        assertTrue(q.exception().isEmpty(), () -> "query " + name + " failed: " + q.exception().get());
        return q;
    }

    @Test
    void theGroupHoldsTheLastCommittedBatchEndOffsetsAcrossRestarts() throws Exception {
        produce(30);
        StreamingQuery first = copy("lagged", "src");
        assertTrue(first.lastProgress().orElseThrow().batchId() >= 3, "several batches ran");
        Map<TopicPartition, Long> end = checkpointEndOffsets("lagged", "src");
        assertEquals(topicEndOffsets(), end, "the query read the whole topic");
        assertEquals(end, groupOffsets("sluice-lagged"));
        assertEquals(progressEndOffsets(first), end);

        // What kafka-consumer-groups --describe shows: a group with no active member, with committed offsets.
        ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("sluice-lagged"))
                .describedGroups().get("sluice-lagged").get();
        assertEquals(GroupState.EMPTY, group.groupState());
        assertTrue(group.members().isEmpty());

        // The group is only a view: the checkpoint, not the group, says where the query resumes.
        Map<TopicPartition, OffsetAndMetadata> zeros = new HashMap<>();
        end.keySet().forEach(p -> zeros.put(p, new OffsetAndMetadata(0)));
        admin.alterConsumerGroupOffsets("sluice-lagged", zeros).all().get();

        produce(20);
        StreamingQuery second = copy("lagged", "src");
        assertTrue(second.lastProgress().orElseThrow().batchId() > first.lastProgress().orElseThrow().batchId());
        Map<TopicPartition, Long> endAfterRestart = checkpointEndOffsets("lagged", "src");
        assertEquals(topicEndOffsets(), endAfterRestart);
        assertEquals(endAfterRestart, groupOffsets("sluice-lagged"));
        assertEquals(IntStream.range(0, 50).boxed().map(KafkaSessionFixture::row).toList(), copiedIds(), "each id once");
    }

    @Test
    void aRunningQueryCommitsAfterEachBatch() throws Exception {
        message("SET trigger = 100 ms");
        message("SET query.name = running");
        StreamingQuery q = ((StatementResult.Query) sluice.execute("INSERT INTO copied SELECT STREAM id FROM src")).query();
        try {
            for (int round = 1; round <= 3; round++) {
                produce(10);
                Map<TopicPartition, Long> topicEnd = topicEndOffsets();
                // A batch reads up to the end, then the group catches up with it while the query runs on.
                waitFor(() -> q.lastProgress().map(ConsumerGroupOffsetsIT::progressEndOffsets).orElse(Map.of())
                        .equals(topicEnd), "the query read round " + q.lastProgress());
                waitFor(() -> groupOffsets("sluice-running").equals(topicEnd), "the group has round " + round);
                assertTrue(q.isActive());
            }
        } finally {
            q.stop();
        }
        assertEquals(checkpointEndOffsets("running", "src"), groupOffsets("sluice-running"));
    }

    @Test
    void theQueryOptionAndTheTablePropertyNameTheGroup() throws Exception {
        String tableGroup = "table-group-" + topic;
        String queryGroup = "query-group-" + topic;
        createSource("grouped", ", 'properties.group.id'='" + tableGroup + "'");
        produce(10);
        copy("by_table", "grouped");
        Map<TopicPartition, Long> firstEnd = topicEndOffsets();
        assertEquals(firstEnd, groupOffsets(tableGroup));
        assertEquals(Map.of(), groupOffsets("sluice-by_table"));

        produce(10);
        message("SET kafka.group.id = " + queryGroup);
        copy("by_query", "grouped");
        assertEquals(topicEndOffsets(), groupOffsets(queryGroup), "the query's option names its group");
        assertEquals(firstEnd, groupOffsets(tableGroup), "the table's group is left alone");
        assertFalse(sluice.options().containsKey(Sluice.KAFKA_GROUP_ID), "the option is for one query");

        copy("by_default", "src");
        assertEquals(topicEndOffsets(), groupOffsets("sluice-by_default"));
    }

    @Test
    void commitsNothingWhenTurnedOffOrBounded() throws Exception {
        createSource("silent", ", 'scan.commit-offsets'='false'");
        String boundedGroup = "bounded-" + topic;
        createSource("bounded", ", 'properties.group.id'='" + boundedGroup + "'");
        produce(10);
        copy("silent_query", "silent");
        assertEquals(10, copiedIds().size());
        assertEquals(Map.of(), groupOffsets("sluice-silent_query"));

        assertEquals(List.of(row(10L)), rows("SELECT COUNT(*) FROM bounded"));
        assertEquals(Map.of(), groupOffsets(boundedGroup));

        SluiceException e = org.junit.jupiter.api.Assertions.assertThrows(SluiceException.class,
                () -> createSource("bad", ", 'scan.commit-offsets'='sometimes'"));
        assertTrue(e.getMessage().contains("scan.commit-offsets") && e.getMessage().contains("sometimes"), e.getMessage());
    }

    @Test
    void aFailedGroupCommitIsLoggedAndTheQueryGoesOn() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger("dev.sluice.connectors.kafka.GroupOffsetCommitter");
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        String group = "sluice-busy";
        produce(10);
        try (KafkaConsumer<String, String> member = activeMember(group)) {
            copy("busy", "src");
            assertEquals(10, copiedIds().size(), "the query wrote every row");
            List<String> warnings = logs.list.stream().filter(event -> event.getLevel() == Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage).toList();
            assertFalse(warnings.isEmpty(), "a WARN says the commit failed");
            assertTrue(warnings.get(0).contains("consumer group '" + group + "'") && warnings.get(0).contains(
                    "Consumers are active"), warnings.get(0));
            assertEquals(Map.of(), groupOffsets(group), "nothing of the query's was committed");
        } finally {
            logger.detachAppender(logs);
        }
        // Once the group is free, the next run commits again.
        produce(5);
        copy("busy", "src");
        assertEquals(15, copiedIds().size());
        assertEquals(topicEndOffsets(), groupOffsets(group));
    }

    /** A consumer that joined {@code group} (subscribed, partitions assigned): the group is not empty. */
    private KafkaConsumer<String, String> activeMember(String group) {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafkaBroker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"),
                new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(topic));
        long deadline = System.currentTimeMillis() + 30_000;
        while (consumer.assignment().isEmpty()) {
            assertTrue(System.currentTimeMillis() < deadline, "the consumer joined its group");
            consumer.poll(Duration.ofMillis(100));
        }
        return consumer;
    }

    private Map<TopicPartition, Long> groupOffsets(String group) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, Long> result = new TreeMap<>(ConsumerGroupOffsetsIT::compare);
            offsets.forEach((p, o) -> {
                if (o != null) {
                    result.put(p, o.offset());
                }
            });
            return result;
        } catch (Exception e) {
            throw new AssertionError("Can't list the offsets of group " + group, e);
        }
    }

    /** The end offsets of the last committed batch, from the query's checkpoint. */
    private Map<TopicPartition, Long> checkpointEndOffsets(String query, String table) {
        Checkpoint checkpoint = Checkpoint.open(home.resolve("checkpoints").resolve(query).toString());
        long batch = checkpoint.lastCommittedBatch().orElseThrow();
        BatchOffsets offsets = checkpoint.offsetLog().get(batch).orElseThrow();
        Map<TopicPartition, Long> result = new TreeMap<>(ConsumerGroupOffsetsIT::compare);
        for (Map.Entry<SourcePartition, Long> e : offsets.endOffsets(table).entrySet()) {
            result.put(new TopicPartition(e.getKey().topic(), e.getKey().partition()), e.getValue());
        }
        return result;
    }

    private static Map<TopicPartition, Long> progressEndOffsets(StreamingQuery q) {
        return progressEndOffsets(q.lastProgress().orElseThrow());
    }

    /** The end offsets of a batch's progress ("topic-partition" keys) as Kafka partitions. */
    private static Map<TopicPartition, Long> progressEndOffsets(QueryProgress progress) {
        Map<TopicPartition, Long> result = new TreeMap<>(ConsumerGroupOffsetsIT::compare);
        progress.endOffsets().values().forEach(table -> table.forEach((name, offset) -> {
            int dash = name.lastIndexOf('-');
            result.put(new TopicPartition(name.substring(0, dash), Integer.parseInt(name.substring(dash + 1))), offset);
        }));
        return result;
    }

    /** The topic's end offsets, from Kafka. */
    private Map<TopicPartition, Long> topicEndOffsets() throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> result = new TreeMap<>(ConsumerGroupOffsetsIT::compare);
        admin.listOffsets(request).all().get().forEach((p, info) -> result.put(p, info.offset()));
        return result;
    }

    private List<List<Object>> copiedIds() {
        List<List<Object>> ids = new ArrayList<>(rows("SELECT id FROM copied"));
        ids.sort((a, b) -> Integer.compare((Integer) a.get(0), (Integer) b.get(0)));
        return ids;
    }

    private static int compare(TopicPartition a, TopicPartition b) {
        int byTopic = a.topic().compareTo(b.topic());
        return byTopic != 0 ? byTopic : Integer.compare(a.partition(), b.partition());
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!condition.getAsBoolean()) {
            assertTrue(System.currentTimeMillis() < deadline, "timed out waiting until " + what);
            Thread.sleep(50);
        }
    }
}
