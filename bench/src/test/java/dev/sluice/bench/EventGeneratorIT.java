package dev.sluice.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The bench's events written in runs per partition ({@code --run-records}) are the same records in the same
 * partitions and order as written by one producer sending them as they come: only the batches differ.
 */
class EventGeneratorIT {
    private static final int EVENTS = 3_000;
    private static final int PARTITIONS = 12;

    @Test
    void runsPerPartitionWriteTheSameRecordsToTheSamePartitionsInTheSameOrder() throws Exception {
        String plain = SharedKafkaBroker.createTopic("events-plain", PARTITIONS);
        String runs = SharedKafkaBroker.createTopic("events-runs", PARTITIONS);
        long plainOver50 = EventGenerator.generate(SharedKafkaBroker.bootstrapServers(), plain, EVENTS, 7, PARTITIONS, 0);
        long runsOver50 = EventGenerator.generate(SharedKafkaBroker.bootstrapServers(), runs, EVENTS, 7, PARTITIONS, 100);

        Map<Integer, List<String>> expected = byPartition(SharedKafkaBroker.readAll(plain));
        Map<Integer, List<String>> actual = byPartition(SharedKafkaBroker.readAll(runs));
        assertEquals(EVENTS, actual.values().stream().mapToInt(List::size).sum());
        assertEquals(expected.keySet(), actual.keySet());
        for (int partition : expected.keySet()) {
            assertEquals(expected.get(partition).size(), actual.get(partition).size(), "records of partition " + partition);
            assertTrue(expected.get(partition).equals(actual.get(partition)),
                    "partition " + partition + " holds other records, or in another order");
        }
        assertTrue(actual.size() > PARTITIONS / 2, "the keys spread over the partitions: " + actual.keySet());
        assertEquals(plainOver50, runsOver50);
        // The count Q1 checks against, recomputed from what was written.
        long over50 = actual.values().stream().flatMap(List::stream)
                .filter(record -> Double.parseDouble(record.replaceAll(".*\"amount\": ([0-9.]+).*", "$1")) > 50)
                .count();
        assertEquals(over50, runsOver50);
    }

    /** Each partition's records as "key=value", in offset order. */
    private static Map<Integer, List<String>> byPartition(List<ConsumerRecord<String, String>> records) {
        Map<Integer, List<String>> partitions = new TreeMap<>();
        for (ConsumerRecord<String, String> r : records) {
            partitions.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r.key() + "=" + r.value());
        }
        return partitions;
    }
}
