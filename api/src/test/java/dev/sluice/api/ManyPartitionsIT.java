package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A topic of more partitions than a batch runs tasks per scan (16): each task reads a group of partitions with
 * one Kafka consumer. Every record is read once across batches, crashes and restarts; a batch's output comes in
 * partition then offset order whatever order the consumer fetched them in; and the watermark stays per partition
 * (a group's partitions do not share one largest event time).
 */
class ManyPartitionsIT extends KafkaSessionFixture {
    private static final int PARTITIONS = 40;
    private static final long BASE = 1_700_000_000_000L;

    private final Random random = new Random(7);
    private String topic;
    /** Every record written: {partition, offset, id, amount, ts (ms from BASE)}. */
    private final List<long[]> written = new ArrayList<>();
    private long nextId;

    @BeforeEach
    void createSource() {
        topic = SharedKafkaBroker.createTopic("wide", PARTITIONS);
        message("CREATE TABLE events (id BIGINT, amount BIGINT, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '1' "
                + "SECOND) WITH ('connector'='kafka', 'topic'='" + topic + "', 'format'='json')");
        message("SET trigger = available-now");
    }

    /** Writes {@code count} records to the partition, event times from {@code fromMillis} by {@code stepMillis}. */
    private void write(int partition, int count, long fromMillis, long stepMillis) {
        List<String> values = new ArrayList<>();
        List<long[]> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long id = nextId++;
            long amount = random.nextInt(100);
            long ts = fromMillis + i * stepMillis;
            values.add("{\"id\": " + id + ", \"amount\": " + amount + ", \"ts\": " + (BASE + ts) + "}");
            rows.add(new long[] {partition, -1, id, amount, ts});
        }
        List<Long> offsets = SharedKafkaBroker.produceValues(topic, partition, values);
        for (int i = 0; i < count; i++) {
            rows.get(i)[1] = offsets.get(i);
        }
        written.addAll(rows);
    }

    /** A round of records on most partitions (some get none). */
    private void round(long fromMillis) {
        for (int p = 0; p < PARTITIONS; p++) {
            if (p % 7 != 3) {
                write(p, 1 + random.nextInt(30), fromMillis, 1 + random.nextInt(50));
            }
        }
    }

    @Test
    void readsEveryRecordOnceAcrossBatchesCrashesAndRestarts() throws Exception {
        message("CREATE TABLE picked (p INT, o BIGINT, id BIGINT) WITH ('connector'='fail-once-memory', "
                + "'fail.batch'='2', 'fail.when'='after-sink')");
        message("SET maxOffsetsPerTrigger = 120");  // several batches, a few records per partition each
        String insert = "INSERT INTO picked SELECT STREAM \"partition\", \"offset\", id FROM events WHERE amount >= 30";
        round(0);
        assertTrue(runRestartingOnce("picked", insert), "the query crashed after batch 2's sink took it");
        round(10_000);
        reopenSession();
        message("SET trigger = available-now");
        message("SET maxOffsetsPerTrigger = 120");
        assertTrue(runNamed("picked", insert).exception().isEmpty());

        List<List<Object>> expected = new ArrayList<>();
        for (long[] r : written) {
            if (r[3] >= 30) {
                expected.add(row((int) r[0], r[1], r[2]));
            }
        }
        List<List<Object>> actual = rows("SELECT * FROM picked");
        assertEquals(sortedByPartitionAndOffset(expected), sortedByPartitionAndOffset(actual));
        // Each partition's rows come in offset order, batch after batch.
        Map<Object, Long> lastOffset = new HashMap<>();
        for (List<Object> r : actual) {
            Long before = lastOffset.put(r.get(0), (Long) r.get(1));
            assertTrue(before == null || before < (Long) r.get(1), () -> "partition " + r.get(0) + " out of order: " + r);
        }
    }

    @Test
    void aBatchOutputsItsPartitionsInOrderWhateverTheFetchOrder() {
        round(0);
        round(5_000);
        List<List<Object>> expected = new ArrayList<>();
        for (long[] r : written) {
            expected.add(row((int) r[0], r[1], r[2]));
        }
        assertEquals(sortedByPartitionAndOffset(expected), rows("SELECT \"partition\", \"offset\", id FROM events"));
    }

    @Test
    void theWatermarkIsTheSlowestPartitions() throws Exception {
        // Partition 0's event time moves slowly (10 ms per record) while the others' move fast (5 s): the
        // watermark follows partition 0, and none of its rows is late. A watermark from the largest event time of
        // a group of partitions would run ahead of partition 0 and drop most of its rows as late.
        write(0, 300, 0, 10);
        for (int p = 1; p < PARTITIONS; p++) {
            write(p, 6, 0, 5_000);
        }
        message("CREATE TABLE per_window (window_start TIMESTAMP, n BIGINT, total BIGINT) WITH ('connector'='memory')");
        message("SET maxOffsetsPerTrigger = 100");
        message("SET outputMode = append");  // a window's row once, when the watermark passes its end
        String insert = """
                INSERT INTO per_window SELECT STREAM window_start, COUNT(*), SUM(amount)
                FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end""";
        assertTrue(runNamed("windows", insert).exception().isEmpty());
        // Records far ahead on every partition close every window written so far.
        Map<Long, long[]> reference = new TreeMap<>();
        for (long[] r : written) {
            long[] agg = reference.computeIfAbsent(Math.floorDiv(r[4], 1_000) * 1_000, k -> new long[2]);
            agg[0]++;
            agg[1] += r[3];
        }
        for (int p = 0; p < PARTITIONS; p++) {
            write(p, 1, 100_000, 1);
        }
        assertTrue(runNamed("windows", insert).exception().isEmpty());
        List<List<Object>> expected = new ArrayList<>();
        reference.forEach((start, agg) -> expected.add(row(time(start), agg[0], agg[1])));
        assertEquals(expected, SqlQueryIT.sorted(rows("SELECT * FROM per_window")));
    }

    private static LocalDateTime time(long millis) {
        return LocalDateTime.of(2023, 11, 14, 22, 13, 20).plusNanos(millis * 1_000_000);
    }

    private static List<List<Object>> sortedByPartitionAndOffset(List<List<Object>> rows) {
        List<List<Object>> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.<List<Object>>comparingInt(r -> (Integer) r.get(0)).thenComparingLong(r -> (Long) r.get(1)));
        return sorted;
    }
}
