package dev.sluice.bench;

import dev.sluice.api.Sluice;
import dev.sluice.api.StatementResult;
import dev.sluice.api.StreamingQuery;
import dev.sluice.connectors.blackhole.BlackholeConnector;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Runs one benchmark query through Sluice's public api, from the earliest offsets, with the
 * {@code available-now} trigger, into a blackhole sink that counts rows.
 *
 * <ul>
 *   <li>Q1: {@code SELECT STREAM user_id, amount FROM events WHERE amount > 50};</li>
 *   <li>Q2: tumbling 10 s windows by page, {@code COUNT(*)} and {@code SUM(amount)}, update mode, over the
 *       same topic read as a table whose {@code ts} is a TIMESTAMP (epoch millis in the JSON). Watermarks
 *       are not implemented yet, so no state is dropped (the data has no late rows anyway);</li>
 *   <li>Q3: {@code SELECT STREAM "partition", COUNT(*) FROM events GROUP BY "partition"} in complete mode
 *       (no JSON parsing: only a metadata column is read), into a memory table whose counts must add up
 *       to the records read;</li>
 *   <li>Q1-kafka-eos and Q1-kafka-alo: Q1 {@code INSERT INTO} a Kafka topic (a new one per run, as many
 *       partitions as the input) with {@code 'sink.delivery-guarantee'} exactly-once (a transaction per
 *       batch) and at-least-once, in batches of at most {@value #KAFKA_SINK_BATCH} records, so the cost
 *       of the transactions shows as the ratio of the two;</li>
 *   <li>passthrough: {@code INSERT INTO blackhole_table SELECT STREAM ts, user_id, page, amount, country FROM
 *       events}, every column of every record, whose peak RSS shows whether memory grows with the backlog.</li>
 * </ul>
 */
final class SluiceQueryRun {
    /** The queries a phase may run, in the order {@code --queries} lists them by default. */
    static final List<String> QUERIES = List.of("q1", "q2", "q3", "q1-kafka-eos", "q1-kafka-alo", "passthrough");
    /** Records per batch of the Kafka-sink queries (maxOffsetsPerTrigger): many transactions per run. */
    static final int KAFKA_SINK_BATCH = 250_000;

    private SluiceQueryRun() {
    }

    /**
     * The records Q3 counted: the sum of its final per-partition counts. A backlog is read in several batches
     * (available-now's batch cap), each emitting every partition's count so far (complete mode), and the memory
     * table keeps every batch's rows: a partition's final count is its largest.
     */
    private static long countedByQ3(Sluice sluice) {
        StatementResult.Rows rows = (StatementResult.Rows) sluice.execute(
                "SELECT SUM(m) FROM (SELECT p, MAX(n) AS m FROM q3_out GROUP BY p)");
        return ((Number) rows.rows().get(0).get(0)).longValue();
    }

    /** A new topic for a Kafka-sink run, with the input's partition count. */
    private static String createOutputTopic(String bootstrap, String input) throws Exception {
        String name = input + "-out-" + System.currentTimeMillis();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            int partitions = admin.describeTopics(List.of(input)).allTopicNames().get().get(input).partitions().size();
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        }
        return name;
    }

    /** Runs {@code query}, after {@code SET key = value} for each of {@code settings} (the bench's {@code --set}). */
    static PhaseResult run(String query, String bootstrap, String topic, List<String> settings) throws Exception {
        try (TemporaryHome home = TemporaryHome.create();
                Sluice sluice = Sluice.builder().home(home.path()).bootstrapServers(bootstrap).build()) {
            sluice.execute("CREATE TABLE events (ts BIGINT, user_id INT, page VARCHAR, amount DOUBLE, country VARCHAR) "
                    + "WITH ('connector'='kafka', 'topic'='" + topic + "', 'format'='json', 'scan.startup.mode'='earliest')");
            String sql;
            if (query.equals("q1")) {
                sluice.execute("CREATE TABLE q1_sink (user_id INT, amount DOUBLE) WITH ('connector'='blackhole')");
                sql = "INSERT INTO q1_sink SELECT STREAM user_id, amount FROM events WHERE amount > 50";
            } else if (query.equals("q2")) {
                sluice.execute("CREATE TABLE events_t (ts TIMESTAMP, page VARCHAR, amount DOUBLE) WITH ('connector'='kafka', "
                        + "'topic'='" + topic + "', 'format'='json', 'scan.startup.mode'='earliest')");
                sluice.execute("CREATE TABLE q2_sink (window_end TIMESTAMP, page VARCHAR, n BIGINT, total DOUBLE) "
                        + "WITH ('connector'='blackhole')");
                sql = "INSERT INTO q2_sink SELECT STREAM TUMBLE_END(ts, INTERVAL '10' SECOND), page, COUNT(*), SUM(amount) "
                        + "FROM events_t GROUP BY TUMBLE(ts, INTERVAL '10' SECOND), page";
            } else if (query.equals("passthrough")) {
                sluice.execute("CREATE TABLE blackhole_table (ts BIGINT, user_id INT, page VARCHAR, amount DOUBLE, "
                        + "country VARCHAR) WITH ('connector'='blackhole')");
                sql = "INSERT INTO blackhole_table SELECT STREAM ts, user_id, page, amount, country FROM events";
            } else if (query.startsWith("q1-kafka-")) {
                String out = createOutputTopic(bootstrap, topic);
                String guarantee = query.endsWith("eos") ? "exactly-once" : "at-least-once";
                sluice.execute("CREATE TABLE kafka_sink (user_id INT, amount DOUBLE) WITH ('connector'='kafka', 'topic'='"
                        + out + "', 'format'='json', 'sink.delivery-guarantee'='" + guarantee + "')");
                sluice.execute("SET maxOffsetsPerTrigger = " + KAFKA_SINK_BATCH);
                sql = "INSERT INTO kafka_sink SELECT STREAM user_id, amount FROM events WHERE amount > 50";
            } else {
                sluice.execute("CREATE TABLE q3_out (p INT, n BIGINT) WITH ('connector'='memory')");
                sluice.execute("SET outputMode = complete");
                sql = "INSERT INTO q3_out SELECT STREAM \"partition\", COUNT(*) FROM events GROUP BY \"partition\"";
            }
            sluice.execute("SET trigger = available-now");
            applySettings(sluice, settings);
            long t0 = System.nanoTime();
            long wallStart = System.currentTimeMillis();
            StreamingQuery q = ((StatementResult.Query) sluice.execute(sql)).query();
            q.awaitTermination();
            double seconds = (System.nanoTime() - t0) / 1e9;
            double startup = q.recentProgress().isEmpty() ? 0
                    : (q.recentProgress().get(0).timestamp().toEpochMilli() - wallStart) / 1e3;
            long records = q.recentProgress().stream().mapToLong(p -> p.inputRows()).sum();
            long rowsOut = query.equals("q3") ? countedByQ3(sluice)
                    : query.startsWith("q1-kafka-") ? q.recentProgress().stream().mapToLong(p -> p.outputRows()).sum()
                    : BlackholeConnector.rowsWritten(query.equals("passthrough") ? "blackhole_table" : query + "_sink");
            return new PhaseResult(query, records, rowsOut, seconds, PhaseResult.currentPeakRssMb(), startup);
        }
    }

    /** {@code SET key = 'value'} for each {@code key=value} of the bench's {@code --set}. */
    static void applySettings(Sluice sluice, List<String> settings) {
        for (String setting : settings) {
            int eq = setting.indexOf('=');
            sluice.execute("SET " + setting.substring(0, eq).trim() + " = '" + setting.substring(eq + 1).trim() + "'");
        }
    }
}
