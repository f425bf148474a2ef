package dev.sluice.connectors.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerIT {
    @Test
    void createsTopicAndRoundTripsRecords() {
        String topic = SharedKafkaBroker.createTopic("roundtrip", 2);
        assertTrue(SharedKafkaBroker.broker().topicExists(topic));

        assertEquals(0L, SharedKafkaBroker.produce(topic, 1, 1_700_000_000_000L, "k1", "v1"));
        assertEquals(1L, SharedKafkaBroker.produce(topic, 1, 1_700_000_000_001L, null, "v2"));
        assertEquals(0L, SharedKafkaBroker.produce(topic, 0, 1_700_000_000_002L, "k3", "v3"));

        List<ConsumerRecord<String, String>> records = SharedKafkaBroker.readAll(topic);
        assertEquals(List.of("0/0/k3/v3/1700000000002", "1/0/k1/v1/1700000000000", "1/1/null/v2/1700000000001"),
                records.stream().map(r -> r.partition() + "/" + r.offset() + "/" + r.key() + "/" + r.value()
                        + "/" + r.timestamp()).toList());
    }

    @Test
    void refusesToCreateAnExistingTopic() {
        String topic = SharedKafkaBroker.createTopic("twice", 1);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SharedKafkaBroker.broker().createTopic(topic, 1));
        assertTrue(e.getMessage().contains(topic), e.getMessage());
    }

    @Test
    void keepsDataInAGivenDirectoryAcrossRestarts(@TempDir Path dir) {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir)) {
            broker.createTopic("kept", 3);
        }
        assertTrue(Files.exists(dir.resolve("kraft-logs").resolve("meta.properties")));
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir)) {
            assertTrue(broker.topicExists("kept"));
            assertFalse(broker.topicExists("never-created"));
        }
    }

    @Test
    void stopsAndRestartsOnTheSamePortWithItsData() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            broker.createTopic("bounced", 1);
            String servers = broker.bootstrapServers();
            Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
            try (Admin admin = Admin.create(config)) {
                Uuid id = admin.describeTopics(List.of("bounced")).allTopicNames().get().get("bounced").topicId();

                broker.stop();
                assertFalse(broker.isRunning());
                ExecutionException down = assertThrows(ExecutionException.class,
                        () -> admin.listTopics().names().get(10, TimeUnit.SECONDS));
                assertTrue(down.getCause() instanceof TimeoutException, down.toString());

                broker.restart();
                assertTrue(broker.isRunning());
                assertEquals(servers, broker.bootstrapServers());
                assertEquals(id, admin.describeTopics(List.of("bounced")).allTopicNames().get(30, TimeUnit.SECONDS)
                        .get("bounced").topicId(), "the same topic, with its id, on the same port");
            }
        }
    }

    @Test
    void deletesItsTemporaryDirectoryOnClose() {
        Path dataDir;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            dataDir = broker.dataDir();
            assertTrue(Files.isDirectory(dataDir));
            assertTrue(broker.bootstrapServers().startsWith("127.0.0.1:"), broker.bootstrapServers());
        }
        assertFalse(Files.exists(dataDir));
    }
}
