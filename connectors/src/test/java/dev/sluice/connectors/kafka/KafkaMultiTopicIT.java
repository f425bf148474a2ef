package dev.sluice.connectors.kafka;

import static dev.sluice.connectors.kafka.KafkaTestTables.CLICKS;
import static dev.sluice.connectors.kafka.KafkaTestTables.click;
import static dev.sluice.connectors.kafka.KafkaTestTables.drain;
import static dev.sluice.connectors.kafka.KafkaTestTables.openSource;
import static dev.sluice.connectors.kafka.KafkaTestTables.spec;
import static dev.sluice.connectors.kafka.KafkaTestTables.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.error.EngineException;
import dev.sluice.execution.source.PartitionReader;
import dev.sluice.execution.source.SourceException;
import dev.sluice.execution.source.SourcePartition;
import dev.sluice.execution.source.StreamSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tables over several topics: a ';' list or a pattern, with a topic column saying where a row came from. */
class KafkaMultiTopicIT {
    private final RootAllocator allocator = new RootAllocator();

    @AfterEach
    void closeAllocator() {
        allocator.close();
    }

    private static TableDescriptor patternTable(String pattern) {
        TableDescriptor t = table("t", "unused", CLICKS);
        Map<String, String> options = new HashMap<>(t.options());
        options.remove("topic");
        options.put("topic-pattern", pattern);
        return new TableDescriptor("t", CLICKS, options);
    }

    @Test
    void listedTopicsAreReadTogetherWithTheirTopicColumn() {
        String eu = SharedKafkaBroker.createTopic("clicks-eu", 1);
        String us = SharedKafkaBroker.createTopic("clicks-us", 2);
        SharedKafkaBroker.produce(eu, 0, null, click(1, "/eu", 1.0, 10));
        SharedKafkaBroker.produce(us, 1, null, click(2, "/us", 2.0, 20));
        try (StreamSource source = openSource(table("t", eu + ";" + us, CLICKS))) {
            assertEquals(Map.of(new SourcePartition(eu, 0), 1L, new SourcePartition(us, 0), 0L,
                    new SourcePartition(us, 1), 1L), source.latestOffsets());
            try (PartitionReader reader = source.openReader(spec(us, 1, 0, 1, 10, "user_id", "topic", "partition"),
                    allocator)) {
                assertEquals(List.of(List.of(2, us, 1)), drain(reader).rows());
            }
            try (PartitionReader reader = source.openReader(spec(eu, 0, 0, 1, 10, "topic"), allocator)) {
                assertEquals(List.of(List.of(eu)), drain(reader).rows());
            }
        }
    }

    @Test
    void aPatternPicksUpTopicsCreatedLater() {
        String prefix = "pattern-" + System.nanoTime();
        String first = SharedKafkaBroker.createTopic(prefix + "-a", 1);
        try (StreamSource source = openSource(patternTable(prefix + "-.*"))) {
            assertEquals(Map.of(new SourcePartition(first, 0), 0L), source.latestOffsets());
            String second = SharedKafkaBroker.createTopic(prefix + "-b", 1);
            SharedKafkaBroker.produce(second, 0, null, click(7, "/new", 7.0, 70));
            assertEquals(Map.of(new SourcePartition(first, 0), 0L, new SourcePartition(second, 0), 1L),
                    source.latestOffsets());
            assertEquals(0L, source.earliestOffsets().get(new SourcePartition(second, 0)));
            try (PartitionReader reader = source.openReader(spec(second, 0, 0, 1, 10, "page", "topic"), allocator)) {
                assertEquals(List.of(List.of("/new", second)), drain(reader).rows());
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> source.openReader(spec("elsewhere", 0, 0, 1, 10, "page"), allocator));
            assertEquals("Table 't' does not read elsewhere-0", e.getMessage());
        }
    }

    @Test
    void optionErrorsAreNamed() {
        KafkaConnector connector = new KafkaConnector();
        TableDescriptor both = new TableDescriptor("t", CLICKS, Map.of("connector", "kafka", "topic", "a",
                "topic-pattern", "b.*", "format", "json"));
        assertEquals("Kafka table 't' needs exactly one of the options 'topic' and 'topic-pattern'",
                assertThrows(EngineException.class, () -> connector.validate(both)).getMessage());
        TableDescriptor badPattern = new TableDescriptor("t", CLICKS, Map.of("connector", "kafka",
                "topic-pattern", "(", "format", "json"));
        assertTrue(assertThrows(EngineException.class, () -> connector.validate(badPattern)).getMessage()
                .startsWith("Option 'topic-pattern' of Kafka table 't' is not a valid regular expression"));
        TableDescriptor two = new TableDescriptor("t", CLICKS, Map.of("connector", "kafka", "topic", "a;b",
                "format", "json", "bootstrap.servers", SharedKafkaBroker.bootstrapServers()));
        IllegalArgumentException sink = assertThrows(IllegalArgumentException.class,
                () -> connector.createSink(two, KafkaTestTables.CONTEXT));
        assertEquals("Kafka table 't' reads several topics [a, b]; this needs a table over a single topic",
                sink.getMessage());
    }

    @Test
    void aMissingListedTopicIsNamed() {
        String exists = SharedKafkaBroker.createTopic("listed", 1);
        SourceException e = assertThrows(SourceException.class,
                () -> openSource(table("t", exists + ";no-such-topic-" + System.nanoTime(), CLICKS)));
        assertTrue(e.getMessage().contains("no-such-topic"), e.getMessage());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }
}
