package dev.sluice.bench;

import dev.sluice.bench.nexmark.NexmarkConfig;
import dev.sluice.bench.nexmark.NexmarkSql;
import dev.sluice.bench.nexmark.NexmarkTopics;
import dev.sluice.connectors.embedded.EmbeddedKafkaBroker;
import dev.sluice.demo.BrokerProcess;
import dev.sluice.demo.JvmCommand;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.FileUtil;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code ./sluice bench}: the reference workload of BENCHMARK.md. Generates the events topic (on a broker the
 * bench starts in a JVM of its own, {@link BrokerProcess}, unless {@code --bootstrap} names one; with
 * {@code --in-process-broker}, in the bench's own JVM as earlier versions did), then measures, each in a fresh child JVM so each
 * has its own peak RSS: the raw read ceiling (one consumer thread; one thread per partition), and Sluice's
 * Q1, Q2 and Q3. Prints one RESULT line per measurement and a Markdown table of ratios to the ceiling
 * measured in the same run. A benchmark, not a test: it asserts only that the row counts are right.
 */
public final class Bench {
    private static final PrintStream OUT = System.out;  // the bench's output is its report
    /** Environment variable with extra JVM flags for every phase's JVM (profiling: {@code -XX:StartFlightRecording}). */
    static final String PHASE_JAVA_OPTS = "SLUICE_BENCH_PHASE_OPTS";

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println((e.getMessage().equals("usage") ? "" : e.getMessage() + "\n")
                    + "usage: ./sluice bench [--n 5000000] [--partitions 8] [--bootstrap host:port | --in-process-broker]"
                    + " [--broker-heap 1g] [--topic events] [--set option=value ...]"
                    + " [--latency [--rates 20000,100000] [--seconds 60]]"
                    + " [--queries q1,q2,q3,q1-kafka-eos,q1-kafka-alo,passthrough] [--repeat 1] [--seed 42] [--heap 1g]\n"
                    + "       ./sluice bench --nexmark [--n 5000000] [--rate 10000000] [--queries nexmark-q0,nexmark-q1,...]"
                    + " [--partitions 8] [--bootstrap host:port] [--repeat 1] [--seed 42] [--heap 1g]");
            System.exit(2);
            return;
        }
        if (options.phase().equals(Optional.of("latency"))) {
            LatencyRun.runQuery(options.bootstrap().orElseThrow(), options.topic(), options.outTopic().orElseThrow());
            System.exit(0);
        }
        if (options.phase().isPresent()) {
            OUT.println(runPhase(options).line());
            System.exit(0);
        }
        System.exit(orchestrate(options));
    }

    private static PhaseResult runPhase(BenchOptions o) throws Exception {
        String bootstrap = o.bootstrap().orElseThrow();
        return switch (o.phase().get()) {
            case "ceiling-1-thread" -> ReadCeiling.run("ceiling-1-thread", bootstrap, o.topic(), false);
            case "ceiling-thread-per-partition" -> ReadCeiling.run("ceiling-thread-per-partition", bootstrap, o.topic(), true);
            case "q1", "q2", "q3", "q1-kafka-eos", "q1-kafka-alo", "passthrough" -> SluiceQueryRun.run(o.phase().get(), bootstrap, o.topic(),
                    o.settings());
            default -> {
                if (!o.phase().get().startsWith("nexmark-")) {
                    throw new IllegalArgumentException("Unknown phase " + o.phase().get());
                }
                yield NexmarkRun.run(o.phase().get(), bootstrap, o.settings());
            }
        };
    }

    private static int orchestrate(BenchOptions o) throws Exception {
        EmbeddedKafkaBroker inProcess = null;
        BrokerProcess child = null;
        Path childDir = null;
        try {
            String bootstrap;
            if (o.bootstrap().isPresent()) {
                bootstrap = o.bootstrap().get();
            } else if (o.inProcessBroker()) {
                OUT.println("Starting an embedded Kafka broker in this JVM (--in-process-broker)...");
                inProcess = EmbeddedKafkaBroker.start();
                bootstrap = inProcess.bootstrapServers();
            } else {
                childDir = Files.createTempDirectory("sluice-bench-kafka-");
                child = BrokerProcess.start(childDir.resolve("data"), o.brokerHeap());
                bootstrap = child.bootstrapServers();
                OUT.printf(Locale.ROOT, "Started a Kafka broker in its own JVM (pid %d, -Xmx%s) on %s%n", child.pid(),
                        o.brokerHeap(), bootstrap);
            }
            if (o.nexmark()) {
                return orchestrateNexmark(o, bootstrap);
            }
            if (o.latency()) {
                return orchestrateLatency(o, bootstrap);
            }
            long expectedQ1 = -1;
            long records = topicRecords(bootstrap, o.topic());
            if (records < 0) {
                createTopic(bootstrap, o.topic(), o.partitions());
                OUT.printf(Locale.ROOT, "Generating %,d events into %s (%d partitions%s)...%n", o.n(), o.topic(), o.partitions(),
                        o.runRecords() > 0 ? String.format(Locale.ROOT, ", runs of %,d records per partition", o.runRecords()) : "");
                long t0 = System.nanoTime();
                expectedQ1 = EventGenerator.generate(bootstrap, o.topic(), o.n(), o.seed(), o.partitions(), o.runRecords());
                OUT.printf(Locale.ROOT, "  generated in %.1f s; expected Q1 rows (amount > 50): %,d%n",
                        (System.nanoTime() - t0) / 1e9, expectedQ1);
                records = topicRecords(bootstrap, o.topic());
            } else {
                OUT.printf(Locale.ROOT, "Using existing topic %s with %,d records (Q1's row count is not checked)%n",
                        o.topic(), records);
            }
            List<PhaseResult> results = new ArrayList<>();
            boolean ok = true;
            for (int round = 1; round <= o.repeat(); round++) {
                List<String> phases = new ArrayList<>(List.of("ceiling-1-thread", "ceiling-thread-per-partition"));
                phases.addAll(o.queries());
                for (String phase : phases) {
                    PhaseResult r = runChild(o.heap(), o.childArgs(phase, bootstrap, records, expectedQ1));
                    OUT.println(r.line());
                    results.add(r);
                    ok &= check(r, records, expectedQ1);
                }
            }
            printTable(results, o);
            return ok ? 0 : 1;
        } finally {
            if (inProcess != null) {
                inProcess.close();
            }
            if (child != null) {
                child.close();
            }
            if (childDir != null) {
                FileUtil.fullyDelete(childDir.toFile());
            }
        }
    }

    /**
     * Nexmark: generates the three topics unless they hold data, measures the read ceiling of the bid topic
     * (the one most queries read) and runs each query; reports events/s the way the Flink suite does (all
     * events generated, persons, auctions and bids, over the query's time) and per core.
     */
    private static int orchestrateNexmark(BenchOptions o, String bootstrap) throws Exception {
        NexmarkTopics topics = NexmarkTopics.withPrefix(NexmarkRun.TOPIC_PREFIX);
        Map<String, Long> records = new java.util.LinkedHashMap<>();
        for (String t : topics.all()) {
            records.put(t, Math.max(0, topicRecords(bootstrap, t)));
        }
        if (records.values().stream().mapToLong(Long::longValue).sum() == 0) {
            topics.create(bootstrap, o.partitions());
            OUT.printf(Locale.ROOT, "Generating %,d Nexmark events at %,.0f events/s of event time into %s (%d partitions)...%n",
                    o.n(), o.rate(), topics.all(), o.partitions());
            long t0 = System.nanoTime();
            long[] written = topics.write(bootstrap, o.partitions(), NexmarkConfig.of(o.n(), o.rate(), o.seed()));
            OUT.printf(Locale.ROOT, "  generated in %.1f s: %,d persons, %,d auctions, %,d bids%n",
                    (System.nanoTime() - t0) / 1e9, written[0], written[1], written[2]);
            for (String t : topics.all()) {
                records.put(t, topicRecords(bootstrap, t));
            }
        } else {
            OUT.printf(Locale.ROOT, "Using the existing Nexmark topics: %s%n", records);
        }
        long events = records.values().stream().mapToLong(Long::longValue).sum();
        List<PhaseResult> results = new ArrayList<>();
        boolean ok = true;
        for (int round = 1; round <= o.repeat(); round++) {
            PhaseResult ceiling = runChild(o.heap(), List.of("--phase", "ceiling-1-thread", "--bootstrap", bootstrap,
                    "--topic", topics.bid()));
            OUT.println(ceiling.line());
            results.add(ceiling);
            for (String query : o.queries()) {
                PhaseResult r;
                try {
                    List<String> args = new ArrayList<>(List.of("--phase", query, "--bootstrap", bootstrap));
                    o.settings().forEach(setting -> args.addAll(List.of("--set", setting)));
                    r = runChild(o.heap(), args);
                } catch (IllegalStateException e) {  // the child failed (its error is on stderr): go on
                    OUT.printf(Locale.ROOT, "FAILED %s: %s%n", query, e.getMessage());
                    ok = false;
                    continue;
                }
                OUT.println(r.line());
                results.add(r);
                long expected = nexmarkRecordsRead(query, topics, records);
                if (r.records() != expected) {
                    OUT.printf(Locale.ROOT, "CHECK FAILED %s: records read %d, expected %d (its tables' records)%n",
                            query, r.records(), expected);
                    ok = false;
                }
            }
        }
        int cores = Runtime.getRuntime().availableProcessors();
        OUT.printf(Locale.ROOT, "%n| run | records read | seconds | Nexmark events/s | events/s per core | rows out | vs bid-topic read ceiling | peak RSS |%n");
        OUT.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
        PhaseResult ceiling = null;
        for (PhaseResult r : results) {
            if (r.phase().startsWith("ceiling")) {
                ceiling = r;
                OUT.printf(Locale.ROOT, "| read ceiling (bid topic, 1 thread) | %,d | %.2f | | | | 100%% | %d MB |%n", r.records(),
                        r.seconds(), r.peakRssMb());
                continue;
            }
            double eventsPerSecond = events / r.seconds();
            OUT.printf(Locale.ROOT, "| Sluice %s | %,d | %.2f | %,.0f | %,.0f | %,d | %s | %d MB |%n", r.phase(), r.records(),
                    r.seconds(), eventsPerSecond, eventsPerSecond / cores, r.rowsOut(), ratio(r, ceiling), r.peakRssMb());
        }
        OUT.printf(Locale.ROOT, "%n%d cores; %,d Nexmark events (%s); events/s counts every event generated (persons, "
                + "auctions and bids), as the Flink suite does, over the query's time from submission to its last commit.%n",
                cores, events, records);
        return ok ? 0 : 1;
    }

    /** The latency and start-up phase, once per rate: see {@link LatencyRun}. */
    private static int orchestrateLatency(BenchOptions o, String bootstrap) throws Exception {
        List<String> rows = new ArrayList<>();
        for (int round = 1; round <= o.repeat(); round++) {
            for (int rate : o.rates()) {
                OUT.printf(Locale.ROOT, "Latency: producing %,d records/s for %d s into a new topic of %d partitions; "
                        + "continuous Q1, trigger 100 ms, into a Kafka topic (exactly-once)...%n", rate, o.seconds(),
                        o.partitions());
                rows.add(LatencyRun.measure(bootstrap, rate, o.seconds(), o.heap(), o.partitions()));
            }
        }
        OUT.printf(Locale.ROOT, "%n| producer rate | seconds | records produced | output records received | latency p50 "
                + "| p99 | max | after the first %d s: p50 / p99 / max | INSERT to first committed batch | query's batches |%n",
                LatencyRun.WARM_UP_MS / 1000);
        OUT.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        rows.forEach(OUT::println);
        OUT.printf(Locale.ROOT, "%n%d cores; latency: the time a read_committed consumer receives an output record "
                + "minus the wall-clock time its input record was sent (one clock, one machine).%n",
                Runtime.getRuntime().availableProcessors());
        return 0;
    }

    /** The records a Nexmark query reads: those of the tables its SQL names. */
    private static long nexmarkRecordsRead(String query, NexmarkTopics topics, Map<String, Long> records) {
        String sql = String.join("\n", NexmarkSql.statements(query.substring("nexmark-".length()), Map.of())).toLowerCase(Locale.ROOT);
        long n = 0;
        for (String table : List.of("person", "auction", "bid")) {
            // Each scan reads the topic once (a self-join twice); a comma join names the table with an alias.
            java.util.regex.Matcher scans = java.util.regex.Pattern.compile("(?:(?:from|join|table)\\s+" + table
                    + "\\b|,\\s*" + table + "\\s+(?:as\\s+)?[a-z]\\w*\\s*(?:\\n|where\\b|join\\b|,|\\)))").matcher(sql);
            while (scans.find()) {
                n += records.get(topics.all().get(List.of("person", "auction", "bid").indexOf(table)));
            }
        }
        return n;
    }

    private static boolean check(PhaseResult r, long records, long expectedQ1) {
        long expectedOut = switch (r.phase()) {
            case "q1", "q1-kafka-eos", "q1-kafka-alo" -> expectedQ1;
            case "q2" -> -1;  // groups emitted: not derived from the generator
            default -> records;
        };
        boolean good = r.records() == records && (expectedOut < 0 || r.rowsOut() == expectedOut);
        if (!good) {
            OUT.printf(Locale.ROOT, "CHECK FAILED %s: records %d (expected %d), rows out %d (expected %d)%n",
                    r.phase(), r.records(), records, r.rowsOut(), expectedOut);
        }
        return good;
    }

    private static PhaseResult runChild(String heap, List<String> args) throws Exception {
        List<String> jvmOptions = new ArrayList<>(List.of("-Xmx" + heap));
        // Extra flags for each phase's JVM, e.g. -XX:StartFlightRecording=... to profile one phase.
        String extra = System.getenv(PHASE_JAVA_OPTS);
        if (extra != null && !extra.isBlank()) {
            jvmOptions.addAll(List.of(extra.trim().split("\\s+")));
        }
        Process p = new ProcessBuilder(JvmCommand.of(Bench.class, jvmOptions, args))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Optional<PhaseResult> result = Optional.empty();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("RESULT ")) {
                    result = Optional.of(PhaseResult.parse(line));
                }
            }
        }
        int exit = p.waitFor();
        return result.orElseThrow(() -> new IllegalStateException("phase " + args.get(1) + " failed (exit " + exit + ")"));
    }

    private static void printTable(List<PhaseResult> results, BenchOptions o) {
        OUT.printf(Locale.ROOT, "%n| run | records | seconds | rec/s | vs 1-thread ceiling | vs thread-per-partition ceiling "
                + "| start-up s | rec/s after start-up | vs 1-thread ceiling | peak RSS | CPU s | CPU us/record "
                + "| 1-thread ceiling's CPU/record vs this |%n");
        OUT.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        PhaseResult single = null;
        PhaseResult perPartition = null;
        for (PhaseResult r : results) {
            if (r.phase().equals("ceiling-1-thread")) {
                single = r;
            } else if (r.phase().equals("ceiling-thread-per-partition")) {
                perPartition = r;
            }
            String name = switch (r.phase()) {
                case "q1" -> "Sluice Q1 (filter + project, JSON)";
                case "q2" -> "Sluice Q2 (10 s tumbling windows by page, COUNT, SUM, update mode)";
                case "q3" -> "Sluice Q3 (GROUP BY partition, COUNT(*), complete mode, no column kept)";
                case "q1-kafka-eos" -> "Sluice Q1 into a Kafka topic, exactly-once (a transaction per batch)";
                case "q1-kafka-alo" -> "Sluice Q1 into a Kafka topic, at-least-once";
                case "passthrough" -> "Sluice pass-through (every column into a blackhole)";
                default -> "read ceiling, " + r.phase().substring("ceiling-".length()).replace('-', ' ');
            };
            boolean query = r.startupSeconds() > 0;
            OUT.printf(Locale.ROOT, "| %s | %,d | %.2f | %,.0f | %s | %s | %s | %s | %s | %d MB | %.1f | %.2f | %s |%n", name,
                    r.records(), r.seconds(), r.recordsPerSecond(), ratio(r, single), ratio(r, perPartition),
                    query ? String.format(Locale.ROOT, "%.2f", r.startupSeconds()) : "",
                    query ? String.format(Locale.ROOT, "%,.0f", r.recordsPerSecondRunning()) : "",
                    query && single != null ? String.format(Locale.ROOT, "%.0f%%",
                            100 * r.recordsPerSecondRunning() / single.recordsPerSecond()) : "", r.peakRssMb(),
                    r.cpuSeconds(), r.cpuMicrosPerRecord(), single == null ? "" : String.format(Locale.ROOT, "%.0f%%",
                            100 * single.cpuMicrosPerRecord() / r.cpuMicrosPerRecord()));
        }
        OUT.printf(Locale.ROOT, "%n%d cores; topic %s; ratios against the ceiling measured just before, in the same run; CPU: "
                + "the whole child JVM's (start-up, JIT, GC included), less sensitive than rec/s to other work on the machine.%n",
                Runtime.getRuntime().availableProcessors(), o.topic());
    }

    private static String ratio(PhaseResult r, PhaseResult ceiling) {
        return ceiling == null ? "" : String.format(Locale.ROOT, "%.0f%%", 100 * r.recordsPerSecond() / ceiling.recordsPerSecond());
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    /** Records in the topic (sum of end minus start offsets), or -1 if it does not exist or is empty. */
    private static long topicRecords(String bootstrap, String topic) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            if (!admin.listTopics().names().get().contains(topic)) {
                return -1;
            }
            var description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            Map<TopicPartition, OffsetSpec> earliest = new java.util.HashMap<>();
            Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            description.partitions().forEach(p -> {
                earliest.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest());
                latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
            });
            var start = admin.listOffsets(earliest).all().get();
            var end = admin.listOffsets(latest).all().get();
            long n = 0;
            for (TopicPartition tp : end.keySet()) {
                n += end.get(tp).offset() - start.get(tp).offset();
            }
            return n == 0 ? -1 : n;
        }
    }

    private static void createTopic(String bootstrap, String topic, int partitions) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            if (!admin.listTopics().names().get().contains(topic)) {
                admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
            }
        }
    }
}
