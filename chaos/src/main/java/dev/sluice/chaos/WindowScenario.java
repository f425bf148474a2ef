package dev.sluice.chaos;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A windowed aggregation in {@code append} mode: per tumbling window of 1 s and key, {@code COUNT(*)} and
 * {@code SUM(v)}, over a watermarked topic of 3 partitions (watermark: event time - 5 s), into the file sink.
 * Each closed window must be written exactly once, with exactly its rows counted, whatever batch the kills
 * cut it across.
 *
 * <p>Event times rise with the row id ({@value #STEP_MILLIS} ms apart, 100 rows per window), so no row is ever
 * late (a partition can't lag the others by 5 s of event time: the producer flushes every 100 rows). After the
 * rounds, a row per partition an hour later moves the watermark; once the query has read it, a second one
 * gives the batch that runs at that watermark and closes every window of the rounds. The windows of the two
 * closing rows themselves never close, so the sink must hold exactly the rounds' windows.
 */
final class WindowScenario implements Scenario {
    static final int PARTITIONS = 3;
    static final long BASE_MILLIS = 1_700_000_000_000L;
    static final long STEP_MILLIS = 10;
    static final long WINDOW_MILLIS = 1_000;
    static final long DELAY_MILLIS = 5_000;
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneOffset.UTC);

    private final String input;
    private final Path sinkDir;
    private final long seed;

    WindowScenario(String topicPrefix, Path dir, long seed) {
        this.input = requireNonNull(topicPrefix, "topicPrefix is null") + "-window-input";
        this.sinkDir = requireNonNull(dir, "dir is null").resolve("sink");
        this.seed = seed;
    }

    @Override
    public String name() {
        return "window";
    }

    @Override
    public Map<String, Integer> topics() {
        return Map.of(input, PARTITIONS);
    }

    @Override
    public List<String> inputTopics() {
        return List.of(input);
    }

    @Override
    public String script(Path checkpointRoot) {
        return """
                SET checkpoint.root = %s;
                SET query.name = %s;
                SET trigger = '500 ms';
                SET outputMode = append;
                CREATE TABLE IF NOT EXISTS input (id BIGINT, k VARCHAR, v BIGINT, ts TIMESTAMP,
                  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
                  WITH ('connector'='kafka', 'topic'=%s, 'format'='json');
                CREATE TABLE IF NOT EXISTS output (window_start TIMESTAMP, k VARCHAR, n BIGINT, total BIGINT)
                  WITH ('connector'='filesystem', 'path'=%s, 'format'='json');
                INSERT INTO output
                  SELECT STREAM TUMBLE_START(ts, INTERVAL '1' SECOND), k, COUNT(*), SUM(v)
                  FROM input GROUP BY TUMBLE(ts, INTERVAL '1' SECOND), k;
                """.formatted(Scenario.quote(checkpointRoot), queryName(), Scenario.quote(input),
                Scenario.quote(sinkDir));
    }

    @Override
    public List<ProducerRecord<String, String>> round(int round, int rows) {
        List<ProducerRecord<String, String>> records = new ArrayList<>(rows);
        for (long id = (long) round * rows; id < (long) (round + 1) * rows; id++) {
            records.add(record(id, "k" + RowHash.below(seed, id, 0, 3), RowHash.below(seed, id, 1, 100),
                    BASE_MILLIS + id * STEP_MILLIS));
        }
        return records;
    }

    private ProducerRecord<String, String> record(long id, String k, long v, long ts) {
        String json = "{\"id\":" + id + ",\"k\":\"" + k + "\",\"v\":" + v + ",\"ts\":" + ts + "}";
        return new ProducerRecord<>(input, (int) Math.floorMod(id, (long) PARTITIONS), null, json);
    }

    @Override
    public List<List<ProducerRecord<String, String>>> closing(int rounds, int rows) {
        long next = (long) rounds * rows;
        long last = BASE_MILLIS + (next - 1) * STEP_MILLIS;
        List<List<ProducerRecord<String, String>>> closing = new ArrayList<>();
        for (int hour = 1; hour <= 2; hour++) {
            List<ProducerRecord<String, String>> one = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                one.add(record(next++, "closing", 0, last + hour * 3_600_000L));
            }
            closing.add(one);
        }
        return closing;
    }

    /**
     * Every window of the input that closes: the last batch runs at the watermark the first closing row set
     * (its event time - 5 s), so exactly the windows that end at or before it are emitted.
     */
    @Override
    public List<String> expected(List<ProducerRecord<String, String>> produced) {
        List<Map<String, String>> rows = produced.stream().map(r -> JsonRow.parse(r.value())).toList();
        List<Long> closingTimes = rows.stream().filter(r -> r.get("k").equals("closing"))
                .map(r -> Long.parseLong(r.get("ts"))).distinct().sorted().toList();
        if (closingTimes.size() != 2) {
            throw new IllegalStateException("Expected two closing event times, found " + closingTimes);
        }
        long lastWatermark = closingTimes.get(0) - DELAY_MILLIS;
        // window start -> key -> {count, sum}
        Map<Long, Map<String, long[]>> windows = new TreeMap<>();
        for (Map<String, String> r : rows) {
            long ts = Long.parseLong(r.get("ts"));
            long start = Math.floorDiv(ts, WINDOW_MILLIS) * WINDOW_MILLIS;
            long[] agg = windows.computeIfAbsent(start, s -> new TreeMap<>()).computeIfAbsent(r.get("k"), k -> new long[2]);
            agg[0]++;
            agg[1] += Long.parseLong(r.get("v"));
        }
        List<String> expected = new ArrayList<>();
        windows.forEach((start, byKey) -> {
            if (start + WINDOW_MILLIS <= lastWatermark) {
                byKey.forEach((k, agg) -> expected.add(TIMESTAMP.format(Instant.ofEpochMilli(start)) + "|" + k + "|"
                        + agg[0] + "|" + agg[1]));
            }
        });
        return expected;
    }

    @Override
    public List<String> found(String bootstrapServers) throws IOException {
        return SinkOutput.fileSink(sinkDir).stream().map(JsonRow::canonical).toList();
    }

    @Override
    public String notes() throws IOException {
        return SinkOutput.fileSinkNotes(sinkDir);
    }
}
