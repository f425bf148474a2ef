package dev.sluice.connectors.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class DemoClickGeneratorIT {
    private static final Pattern CLICK = Pattern.compile(
            "\\{\"ts\":(\\d+),\"user_id\":(\\d+),\"page\":\"/p/(\\d+)\",\"amount\":(\\d+\\.\\d\\d),\"country\":\"([A-Z]{2})\"}");

    @Test
    void producesClicksAtTheRequestedRateToANewTopic() throws Exception {
        String topic = "demo-clicks-" + System.nanoTime();
        long before = System.currentTimeMillis();
        try (DemoClickGenerator generator = new DemoClickGenerator(SharedKafkaBroker.bootstrapServers(), topic, 200, 7)) {
            generator.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (generator.eventsSent() < 100 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        long after = System.currentTimeMillis();
        assertTrue(SharedKafkaBroker.broker().topicExists(topic));
        List<ConsumerRecord<String, String>> records = SharedKafkaBroker.readAll(topic);
        assertTrue(records.size() >= 100, "only " + records.size() + " records");
        assertEquals(DemoClickGenerator.DEFAULT_PARTITIONS,
                records.stream().map(ConsumerRecord::partition).distinct().count());
        for (ConsumerRecord<String, String> r : records) {
            Matcher m = CLICK.matcher(r.value());
            assertTrue(m.matches(), r.value());
            long ts = Long.parseLong(m.group(1));
            assertTrue(ts >= before && ts <= after, r.value());
            assertEquals(m.group(2), r.key());
            assertTrue(Integer.parseInt(m.group(2)) < 1000, r.value());
            assertTrue(Integer.parseInt(m.group(3)) < 50, r.value());
            assertTrue(Double.parseDouble(m.group(4)) < 100, r.value());
            assertTrue(DemoClickGenerator.COUNTRIES.contains(m.group(5)), r.value());
        }
    }

    @Test
    void sameSeedGivesTheSameEvents() throws Exception {
        List<String> first = produce(11);
        List<String> second = produce(11);
        assertEquals(first.subList(0, 20), second.subList(0, 20));
    }

    /** The first events of a generator (without their ts), in production order (one partition). */
    private static List<String> produce(long seed) throws Exception {
        String topic = SharedKafkaBroker.createTopic("demo-seeded", 1);
        try (DemoClickGenerator generator = new DemoClickGenerator(SharedKafkaBroker.bootstrapServers(), topic, 500, seed)) {
            generator.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (generator.eventsSent() < 20 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        return SharedKafkaBroker.readAll(topic).stream()
                .map(r -> r.key() + " " + r.value().replaceFirst("\"ts\":\\d+,", ""))
                .toList();
    }
}
