package dev.sluice.connectors.kafka;

import static dev.sluice.connectors.kafka.KafkaTestTables.CLICKS;
import static dev.sluice.connectors.kafka.KafkaTestTables.openSource;
import static dev.sluice.connectors.kafka.KafkaTestTables.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import dev.sluice.execution.connector.ConnectorContext;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.source.SourceException;
import dev.sluice.execution.source.SourcePartition;
import dev.sluice.execution.source.StreamSource;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Opening Kafka sources and looking up their offsets. */
class KafkaSourceIT {
    private static String topic;

    /** Partition 0: offsets 0-4 with timestamps 1000..5000, 0-1 deleted. Partition 1: offsets 0-2 at 10000... */
    @BeforeAll
    static void writeRecords() throws Exception {
        topic = SharedKafkaBroker.createTopic("offsets", 2);
        for (int i = 0; i < 5; i++) {
            SharedKafkaBroker.produce(topic, 0, 1000L * (i + 1), null, "{}");
        }
        for (int i = 0; i < 3; i++) {
            SharedKafkaBroker.produce(topic, 1, 10_000L * (i + 1), null, "{}");
        }
        try (Admin admin = admin()) {
            admin.deleteRecords(Map.of(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(2))).all().get();
        }
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafkaBroker.bootstrapServers()));
    }

    private static Map<SourcePartition, Long> offsets(long p0, long p1) {
        return Map.of(new SourcePartition(topic, 0), p0, new SourcePartition(topic, 1), p1);
    }

    private static Map<SourcePartition, Long> initialOffsets(String... options) {
        try (StreamSource source = openSource(table("t", topic, CLICKS, options))) {
            return source.initialOffsets();
        }
    }

    @Test
    void schemaIsDeclaredThenMetadataColumns() {
        try (StreamSource source = openSource(table("t", topic, CLICKS))) {
            assertEquals("t", source.name());
            assertEquals(RowSchema.of(
                    Column.of("user_id", ColumnType.INTEGER),
                    Column.of("page", ColumnType.VARCHAR),
                    Column.of("amount", ColumnType.DOUBLE),
                    Column.of("ts", ColumnType.TIMESTAMP),
                    new Column("partition", ColumnType.INTEGER, false),
                    new Column("offset", ColumnType.BIGINT, false),
                    new Column("timestamp", ColumnType.TIMESTAMP, false),
                    new Column("key", ColumnType.VARCHAR, true),
                    new Column("topic", ColumnType.VARCHAR, false)), source.schema());
        }
    }

    @Test
    void earliestAndLatestOffsets() {
        try (StreamSource source = openSource(table("t", topic, CLICKS))) {
            assertEquals(offsets(2, 0), source.earliestOffsets());
            assertEquals(offsets(5, 3), source.latestOffsets());
        }
    }

    @Test
    void initialOffsetsPerStartupMode() {
        assertEquals(offsets(2, 0), initialOffsets());
        assertEquals(offsets(2, 0), initialOffsets("scan.startup.mode", "earliest-offset"));
        assertEquals(offsets(5, 3), initialOffsets("scan.startup.mode", "latest"));
        assertEquals(offsets(5, 3), initialOffsets("scan.startup.mode", "latest-offset"));
        // Unlisted partitions start at the earliest offset.
        assertEquals(offsets(4, 0), initialOffsets("scan.startup.mode", "specific-offsets",
                "scan.startup.specific-offsets", "partition:0,offset:4"));
        assertEquals(offsets(3, 3), initialOffsets("scan.startup.mode", "specific-offsets",
                "scan.startup.specific-offsets", "partition:0,offset:3;partition:1,offset:3"));
        // First record at or after the timestamp; the end where there is none.
        assertEquals(offsets(3, 0), initialOffsets("scan.startup.mode", "timestamp",
                "scan.startup.timestamp-millis", "3500"));
        assertEquals(offsets(5, 2), initialOffsets("scan.startup.mode", "timestamp",
                "scan.startup.timestamp-millis", "25000"));
        assertEquals(offsets(5, 3), initialOffsets("scan.startup.mode", "timestamp",
                "scan.startup.timestamp-millis", "99999"));
    }

    @Test
    void specificOffsetsMustExist() {
        SourceException missingPartition = assertThrows(SourceException.class, () -> initialOffsets(
                "scan.startup.mode", "specific-offsets", "scan.startup.specific-offsets", "partition:7,offset:0"));
        assertEquals("Option 'scan.startup.specific-offsets' of table 't' names partition 7, but topic '" + topic
                + "' has partitions [0, 1]", missingPartition.getMessage());
        SourceException pastEnd = assertThrows(SourceException.class, () -> initialOffsets(
                "scan.startup.mode", "specific-offsets", "scan.startup.specific-offsets", "partition:1,offset:4"));
        assertEquals("Option 'scan.startup.specific-offsets' of table 't' starts partition 1 at offset 4, past its "
                + "end offset 3", pastEnd.getMessage());
    }

    @Test
    void discoversNewPartitions() throws Exception {
        String growing = SharedKafkaBroker.createTopic("growing", 1);
        SharedKafkaBroker.produce(growing, 0, null, "{}");
        try (StreamSource source = openSource(table("g", growing, CLICKS))) {
            assertEquals(Map.of(new SourcePartition(growing, 0), 1L), source.latestOffsets());
            try (Admin admin = admin()) {
                admin.createPartitions(Map.of(growing, NewPartitions.increaseTo(3))).all().get();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            Map<SourcePartition, Long> latest = source.latestOffsets();
            while (latest.size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(50);
                latest = source.latestOffsets();
            }
            assertEquals(Map.of(new SourcePartition(growing, 0), 1L, new SourcePartition(growing, 1), 0L,
                    new SourcePartition(growing, 2), 0L), latest);
        }
    }

    @Test
    void topicIdsAreKafkasAndChangeWhenATopicIsRecreated() throws Exception {
        String recreated = SharedKafkaBroker.createTopic("ids", 1);
        String before;
        try (StreamSource source = openSource(table("r", recreated, CLICKS))) {
            before = source.topicIds().get(recreated);
            try (Admin admin = admin()) {
                assertEquals(admin.describeTopics(List.of(recreated)).allTopicNames().get().get(recreated).topicId()
                        .toString(), before);
                assertEquals(Map.of(recreated, before), source.topicIds(), "stable while the topic lives");
                admin.deleteTopics(List.of(recreated)).all().get();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (true) {
                    try {
                        SharedKafkaBroker.broker().createTopic(recreated, 1);
                        break;
                    } catch (IllegalStateException stillBeingDeleted) {
                        assertTrue(System.nanoTime() < deadline, stillBeingDeleted.getMessage());
                        Thread.sleep(100);
                    }
                }
            }
            String after = source.topicIds().get(recreated);
            assertTrue(after != null && !after.equals(before), before + " then " + after);
        }
    }

    @Test
    void unreachableKafkaIsAnOutageAMissingTopicIsNot() {
        try (StreamSource source = openSource(table("t", topic, CLICKS))) {
            assertEquals(java.util.Optional.of("Kafka at '" + SharedKafkaBroker.bootstrapServers() + "'"),
                    source.unreachable(new SourceException("x", new org.apache.kafka.common.errors.TimeoutException("y"))));
            SourceException missing = assertThrows(SourceException.class, () -> openSource(table("t", "no-such-topic", CLICKS)));
            assertEquals(java.util.Optional.empty(), source.unreachable(missing));
        }
    }

    @Test
    void missingTopicIsNamed() {
        SourceException e = assertThrows(SourceException.class, () -> openSource(table("t", "no-such-topic", CLICKS)));
        assertEquals("Topic 'no-such-topic' of table 't' does not exist (Kafka at '" + SharedKafkaBroker.bootstrapServers()
                + "')", e.getMessage());
    }

    @Test
    void missingDeadLetterTopicIsNamed() {
        SourceException e = assertThrows(SourceException.class, () -> openSource(table("t", topic, CLICKS,
                "on-error", "dead-letter", "dead-letter.topic", "no-such-dlq")));
        assertEquals("Topic 'no-such-dlq' of table 't' does not exist (Kafka at '" + SharedKafkaBroker.bootstrapServers()
                + "')", e.getMessage());
    }

    @Test
    void usesTheSessionsBootstrapServers() {
        Map<String, String> options = new HashMap<>(table("t", topic, CLICKS).options());
        options.remove("bootstrap.servers");
        TableDescriptor withoutServers = new TableDescriptor("t", CLICKS, options);
        ConnectorContext session = new ConnectorContext(
                Map.of("bootstrap.servers", SharedKafkaBroker.bootstrapServers()), "q");
        try (StreamSource source = new KafkaConnector().createSource(withoutServers, session)) {
            assertEquals(offsets(5, 3), source.latestOffsets());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new KafkaConnector().createSource(withoutServers, KafkaTestTables.CONTEXT));
        assertEquals("Kafka table 't' has no 'bootstrap.servers' option, and the session sets none "
                + "(SET 'bootstrap.servers' = 'host:port')", e.getMessage());
    }

    @Test
    void unreachableBrokerFailsInBoundedTime() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String servers = "127.0.0.1:" + closedPort;
        Map<String, String> options = new HashMap<>(table("t", topic, CLICKS).options());
        options.put("bootstrap.servers", servers);
        long started = System.nanoTime();
        SourceException e = assertThrows(SourceException.class,
                () -> new KafkaConnector().createSource(new TableDescriptor("t", CLICKS, options), KafkaTestTables.CONTEXT));
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(e.getMessage().startsWith("Can't reach Kafka at '" + servers + "' for table 't' within 10000 ms "
                + "(trying to describe topic '" + topic + "'): "), e.getMessage());
        assertTrue(elapsedMs < 16_000, "took " + elapsedMs + " ms");
    }
}
