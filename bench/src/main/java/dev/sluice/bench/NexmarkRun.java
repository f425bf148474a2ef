package dev.sluice.bench;

import dev.sluice.api.Sluice;
import dev.sluice.api.StreamingQuery;
import dev.sluice.bench.nexmark.NexmarkSql;
import dev.sluice.bench.nexmark.NexmarkTopics;
import dev.sluice.connectors.blackhole.BlackholeConnector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Runs one Nexmark query ({@code nexmark-q0} ...) through Sluice's public api as the Flink suite runs it:
 * continuously, into a blackhole sink, here with the {@code available-now} trigger from the earliest
 * offsets of the three topics. The tables are declared with {@code ddl.sql} when Sluice accepts computed
 * columns, else with {@code ddl-fallback.sql} (see {@link NexmarkSql#fallback}).
 */
final class NexmarkRun {
    /** The queries that run continuously today, in order: the default of {@code --nexmark}. */
    static final List<String> DEFAULT_QUERIES = NexmarkSql.QUERIES.stream().filter(q -> !q.equals("q6"))
            .map(q -> "nexmark-" + q).toList();
    /** Every query a phase may name. */
    static final List<String> QUERIES = NexmarkSql.QUERIES.stream().map(q -> "nexmark-" + q).toList();
    static final String TOPIC_PREFIX = "nexmark-";

    private NexmarkRun() {
    }

    static PhaseResult run(String phase, String bootstrap, List<String> settings) throws Exception {
        String query = phase.substring("nexmark-".length());
        NexmarkTopics topics = NexmarkTopics.withPrefix(TOPIC_PREFIX);
        try (TemporaryHome home = TemporaryHome.create();
                Sluice sluice = Sluice.builder().home(home.path()).bootstrapServers(bootstrap).build()) {
            Path sideInput = Files.createDirectories(home.path().resolve("side_input"));
            Files.write(sideInput.resolve("side_input.csv"), IntStream.range(0, 10_000).mapToObj(i -> i + "," + i).toList());
            boolean fallback = false;
            try {
                for (String ddl : NexmarkSql.statements("ddl", NexmarkSql.topicPlaceholders(topics))) {
                    sluice.execute(ddl);
                }
            } catch (RuntimeException e) {
                fallback = true;  // no computed columns yet
                for (String t : List.of("person", "auction", "bid")) {
                    sluice.execute("DROP TABLE IF EXISTS " + t);
                }
                for (String ddl : NexmarkSql.statements("ddl-fallback", NexmarkSql.topicPlaceholders(topics))) {
                    sluice.execute(ddl);
                }
            }
            // The regular joins (q3, q20) keep their state for an hour of batch time.
            sluice.execute("SET state.ttl = '1 h'");
            SluiceQueryRun.applySettings(sluice, settings);
            List<String> statements = NexmarkSql.statements(query, Map.of("SIDE_INPUT_PATH", sideInput.toString()));
            if (fallback) {
                statements = statements.stream().map(NexmarkSql::fallback).toList();
            }
            for (String setup : statements.subList(0, statements.size() - 1)) {
                sluice.execute(setup);
            }
            String sink = "nexmark_" + query;
            long t0 = System.nanoTime();
            StreamingQuery q = sluice.sql(NexmarkSql.continuous(statements.get(statements.size() - 1))).writeStream()
                    .format("blackhole").queryName(sink).trigger("available-now").start();
            q.awaitTermination();
            double seconds = (System.nanoTime() - t0) / 1e9;
            long records = q.recentProgress().stream().mapToLong(p -> p.inputRows()).sum();
            return new PhaseResult(phase, records, BlackholeConnector.rowsWritten(sink), seconds,
                    PhaseResult.currentPeakRssMb());
        }
    }
}
