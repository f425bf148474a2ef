package dev.sluice.chaos;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A stateful stream-stream join: clicks with the impressions of the same ad shown at most 10 s before
 * ({@code c.ts BETWEEN i.ts AND i.ts + INTERVAL '10' SECOND}), two watermarked topics of 2 partitions each
 * (watermark: event time - 5 s), into the file sink. The join keeps both sides in its state across batches
 * (and so across kills, through the checkpoint); every matching pair must be written exactly once.
 *
 * <p>Events come in event-time order ({@value #STEP_MILLIS} ms apart), each an impression or a click of one
 * of {@value #ADS} ads, so a click matches about 2.5 impressions and no row is ever late.
 */
final class JoinScenario implements Scenario {
    static final int PARTITIONS = 2;
    static final int ADS = 200;
    static final long BASE_MILLIS = 1_700_000_000_000L;
    static final long STEP_MILLIS = 10;
    static final long BOUND_MILLIS = 10_000;

    private final String impressions;
    private final String clicks;
    private final Path sinkDir;
    private final long seed;

    JoinScenario(String topicPrefix, Path dir, long seed) {
        requireNonNull(topicPrefix, "topicPrefix is null");
        this.impressions = topicPrefix + "-join-impressions";
        this.clicks = topicPrefix + "-join-clicks";
        this.sinkDir = requireNonNull(dir, "dir is null").resolve("sink");
        this.seed = seed;
    }

    @Override
    public String name() {
        return "join";
    }

    @Override
    public Map<String, Integer> topics() {
        return Map.of(impressions, PARTITIONS, clicks, PARTITIONS);
    }

    @Override
    public List<String> inputTopics() {
        return List.of(impressions, clicks);
    }

    @Override
    public String script(Path checkpointRoot) {
        return """
                SET checkpoint.root = %s;
                SET query.name = %s;
                SET trigger = '500 ms';
                CREATE TABLE IF NOT EXISTS impressions (imp_id BIGINT, ad_id BIGINT, ts TIMESTAMP,
                  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
                  WITH ('connector'='kafka', 'topic'=%s, 'format'='json');
                CREATE TABLE IF NOT EXISTS clicks (click_id BIGINT, ad_id BIGINT, ts TIMESTAMP,
                  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
                  WITH ('connector'='kafka', 'topic'=%s, 'format'='json');
                CREATE TABLE IF NOT EXISTS output (ad_id BIGINT, imp_id BIGINT, click_id BIGINT)
                  WITH ('connector'='filesystem', 'path'=%s, 'format'='json');
                INSERT INTO output
                  SELECT STREAM c.ad_id, i.imp_id, c.click_id FROM clicks c JOIN impressions i
                  ON c.ad_id = i.ad_id AND c.ts BETWEEN i.ts AND i.ts + INTERVAL '10' SECOND;
                """.formatted(Scenario.quote(checkpointRoot), queryName(), Scenario.quote(impressions),
                Scenario.quote(clicks), Scenario.quote(sinkDir));
    }

    @Override
    public List<ProducerRecord<String, String>> round(int round, int rows) {
        List<ProducerRecord<String, String>> records = new ArrayList<>(rows);
        for (long id = (long) round * rows; id < (long) (round + 1) * rows; id++) {
            boolean click = RowHash.below(seed, id, 0, 2) == 1;
            long ad = RowHash.below(seed, id, 1, ADS);
            int partition = RowHash.below(seed, id, 2, PARTITIONS);
            String json = "{\"" + (click ? "click_id" : "imp_id") + "\":" + id + ",\"ad_id\":" + ad + ",\"ts\":"
                    + (BASE_MILLIS + id * STEP_MILLIS) + "}";
            records.add(new ProducerRecord<>(click ? clicks : impressions, partition, null, json));
        }
        return records;
    }

    /** Every (click, impression) pair of the same ad with the click 0 to 10 s (inclusive) after the impression. */
    @Override
    public List<String> expected(List<ProducerRecord<String, String>> produced) {
        Map<String, List<long[]>> impressionsByAd = new HashMap<>();  // ad -> [imp_id, ts]
        List<Map<String, String>> clickRows = new ArrayList<>();
        for (ProducerRecord<String, String> r : produced) {
            Map<String, String> row = JsonRow.parse(r.value());
            if (r.topic().equals(impressions)) {
                impressionsByAd.computeIfAbsent(row.get("ad_id"), a -> new ArrayList<>())
                        .add(new long[] {Long.parseLong(row.get("imp_id")), Long.parseLong(row.get("ts"))});
            } else {
                clickRows.add(row);
            }
        }
        List<String> pairs = new ArrayList<>();
        for (Map<String, String> c : clickRows) {
            long ts = Long.parseLong(c.get("ts"));
            for (long[] i : impressionsByAd.getOrDefault(c.get("ad_id"), List.of())) {
                if (i[1] <= ts && ts <= i[1] + BOUND_MILLIS) {
                    pairs.add(c.get("ad_id") + "|" + i[0] + "|" + c.get("click_id"));
                }
            }
        }
        return pairs;
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
