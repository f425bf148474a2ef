package dev.sluice.bench;

import dev.sluice.api.Sluice;
import dev.sluice.api.StatementResult;
import dev.sluice.api.StreamingQuery;
import dev.sluice.connectors.blackhole.BlackholeConnector;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs one benchmark query through Sluice's public api, from the earliest offsets, with the
 * {@code available-now} trigger, into a blackhole sink that counts rows.
 *
 * <ul>
 *   <li>Q1: {@code SELECT STREAM user_id, amount FROM events WHERE amount > 50};</li>
 *   <li>Q3*: per-partition projection {@code SELECT STREAM "partition" FROM events} (no JSON parsing).
 *       The reference Q3 counts per partition with GROUP BY, which Sluice does not have yet.</li>
 * </ul>
 */
final class SluiceQueryRun {
    private SluiceQueryRun() {
    }

    static PhaseResult run(String query, String bootstrap, String topic) throws Exception {
        Path home = Files.createTempDirectory("sluice-bench-home");
        try (Sluice sluice = Sluice.builder().home(home).bootstrapServers(bootstrap).build()) {
            sluice.execute("CREATE TABLE events (ts BIGINT, user_id INT, page VARCHAR, amount DOUBLE, country VARCHAR) "
                    + "WITH ('connector'='kafka', 'topic'='" + topic + "', 'format'='json', 'scan.startup.mode'='earliest')");
            String sql;
            if (query.equals("q1")) {
                sluice.execute("CREATE TABLE q1_sink (user_id INT, amount DOUBLE) WITH ('connector'='blackhole')");
                sql = "INSERT INTO q1_sink SELECT STREAM user_id, amount FROM events WHERE amount > 50";
            } else {
                sluice.execute("CREATE TABLE q3_sink (p INT) WITH ('connector'='blackhole')");
                sql = "INSERT INTO q3_sink SELECT STREAM \"partition\" FROM events";
            }
            sluice.execute("SET trigger = available-now");
            long t0 = System.nanoTime();
            StreamingQuery q = ((StatementResult.Query) sluice.execute(sql)).query();
            q.awaitTermination();
            double seconds = (System.nanoTime() - t0) / 1e9;
            long records = q.recentProgress().stream().mapToLong(p -> p.inputRows()).sum();
            long rowsOut = BlackholeConnector.rowsWritten(query + "_sink");
            return new PhaseResult(query, records, rowsOut, seconds, PhaseResult.currentPeakRssMb());
        }
    }
}
