package dev.sluice.bench;

import dev.sluice.api.QueryProgress;
import dev.sluice.api.Sluice;
import dev.sluice.api.StatementResult;
import dev.sluice.api.StreamingQuery;
import dev.sluice.api.StreamingQueryListener;
import dev.sluice.demo.JvmCommand;
import dev.sluice.execution.flow.FlowControlOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The latency and start-up phase ({@code ./sluice bench --latency}): a continuous Q1 with a 100 ms trigger from
 * one Kafka topic into another (the Kafka sink, exactly-once: a transaction per batch), fed by a producer at a
 * steady rate, and read back by a {@code read_committed} consumer.
 *
 * <ol>
 *   <li>the parent (this bench) creates both topics and writes {@value #SEED_RECORDS} records, so the query's
 *       first batch has input;</li>
 *   <li>a child JVM submits {@code INSERT INTO ... SELECT STREAM} and prints the time from submitting it to its
 *       first committed batch (start-up: planning, opening sources and sink, the first batch);</li>
 *   <li>then the parent produces at {@code rate} records/s for {@code seconds}, each record's {@code ts} the wall
 *       clock when it is sent, while its consumer takes each output record as soon as it is committed: latency
 *       is the time it is received minus its {@code ts}, end to end (produce, fetch, decode, filter, encode,
 *       produce, commit, fetch), all on one clock;</li>
 *   <li>the parent closes the child's stdin: the query stops, the child reports its batches.</li>
 * </ol>
 */
final class LatencyRun {
    private static final PrintStream OUT = System.out;
    static final int SEED_RECORDS = 1000;
    static final String FIRST_BATCH = "FIRST_BATCH_MS ";
    static final String SECOND_QUERY = "SECOND_QUERY_FIRST_BATCH_MS ";
    /** Records sent in the first seconds are left out of the steady-state figures. */
    static final long WARM_UP_MS = 5000;
    private static final String[] COUNTRIES = {"US", "GB", "DE", "FR", "IN", "CN", "JP", "BR"};

    private LatencyRun() {
    }

    /** The parent's side for one rate, over topics of {@code partitions}: returns the summary row of the table. */
    static String measure(String bootstrap, int rate, int seconds, String heap, int partitions) throws Exception {
        String suffix = rate + "-" + System.currentTimeMillis();
        String in = "latency-in-" + suffix;
        String out = "latency-out-" + suffix;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(in, partitions, (short) 1), new NewTopic(out, partitions, (short) 1)))
                    .all().get(60, TimeUnit.SECONDS);
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig(bootstrap))) {
            SplittableRandom random = new SplittableRandom(7);
            for (int i = 0; i < SEED_RECORDS; i++) {
                producer.send(record(in, (int) (i % partitions), System.currentTimeMillis(), random.nextInt(10_000), random));
            }
            producer.flush();
        }
        // The child takes the phases' extra JVM flags too (e.g. a JFR recording of the start-up and the batches).
        List<String> jvmFlags = new ArrayList<>(List.of("-Xmx" + heap));
        String extra = System.getenv(Bench.PHASE_JAVA_OPTS);
        if (extra != null && !extra.isBlank()) {
            jvmFlags.addAll(List.of(extra.trim().split("\\s+")));
        }
        List<String> command = JvmCommand.of(Bench.class, jvmFlags,
                List.of("--phase", "latency", "--bootstrap", bootstrap, "--topic", in, "--out-topic", out));
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        long startupMs = -1;
        String line;
        while ((line = lines.readLine()) != null) {
            if (line.startsWith("STARTUP ")) {
                OUT.println("  " + line);
            }
            if (line.startsWith(FIRST_BATCH)) {
                startupMs = Long.parseLong(line.substring(FIRST_BATCH.length()).trim());
                break;
            }
        }
        if (startupMs < 0) {
            child.destroyForcibly();
            throw new IllegalStateException("The latency query's child JVM ended before its first batch (exit "
                    + child.waitFor() + ")");
        }
        // Consume the output from now on, on its own thread, while producing at the rate.
        AtomicBoolean stop = new AtomicBoolean();
        long producingFrom = System.currentTimeMillis();
        CompletableFuture<long[]> latencies = CompletableFuture.supplyAsync(() -> consume(bootstrap, out, partitions, producingFrom, stop));
        long[] produced = produce(bootstrap, in, partitions, rate, seconds);
        // Let the last records through: a few triggers and commits.
        Thread.sleep(3000);
        stop.set(true);
        long[] both = latencies.get(60, TimeUnit.SECONDS);
        // Latencies of all records, then of those sent after the first WARM_UP_MS (the JIT warm, the first
        // batches' backlog gone).
        int all = (int) both[0];
        long[] received = Arrays.copyOfRange(both, 1, 1 + all);
        long[] steady = Arrays.copyOfRange(both, 1 + all, both.length);
        Arrays.sort(steady);
        child.getOutputStream().close();
        List<String> childLines = new ArrayList<>();
        while ((line = lines.readLine()) != null) {
            childLines.add(line);
        }
        if (!child.waitFor(60, TimeUnit.SECONDS)) {
            child.destroyForcibly();
        }
        childLines.stream().filter(l -> l.startsWith("STARTUP ")).forEach(l -> OUT.println("  " + l));
        String batches = childLines.stream().filter(l -> l.startsWith("BATCHES ")).findFirst()
                .map(l -> l.substring("BATCHES ".length())).orElse("");
        String secondQuery = childLines.stream().filter(l -> l.startsWith(SECOND_QUERY)).findFirst()
                .map(l -> String.format(Locale.ROOT, "%,d ms", Long.parseLong(l.substring(SECOND_QUERY.length()).trim())))
                .orElse("(failed)");
        Arrays.sort(received);
        String row = String.format(Locale.ROOT, "| %,d rec/s | %d s | %,d | %,d | %s | %s | %s | %s / %s / %s | %,d ms "
                + "(a second query in the same JVM: %s) | %s |",
                rate, seconds, produced[0], received.length, percentile(received, 0.50), percentile(received, 0.99),
                received.length == 0 ? "" : received[received.length - 1] + " ms", percentile(steady, 0.50),
                percentile(steady, 0.99), steady.length == 0 ? "" : steady[steady.length - 1] + " ms", startupMs, secondQuery,
                batches);
        OUT.println("LATENCY " + row);
        if (received.length != produced[1]) {
            OUT.printf(Locale.ROOT, "CHECK FAILED latency %d rec/s: %d output records of the steady phase received, %d "
                    + "expected (amount > 50)%n", rate, received.length, produced[1]);
        }
        return row;
    }

    private static String percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return "";
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] + " ms";
    }

    private static Map<String, Object> producerConfig(String bootstrap) {
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.ACKS_CONFIG, "1",
                ProducerConfig.LINGER_MS_CONFIG, 1);
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, int partition, long ts, int cents,
                                                         SplittableRandom random) {
        String json = "{\"ts\": " + ts + ", \"user_id\": " + random.nextInt(100_000) + ", \"page\": \"/p/"
                + random.nextInt(1000) + "\", \"amount\": " + (cents / 100) + "." + (cents % 100 < 10 ? "0" : "")
                + (cents % 100) + ", \"country\": \"" + COUNTRIES[partition % COUNTRIES.length] + "\"}";
        return new ProducerRecord<>(topic, partition, null, json.getBytes(StandardCharsets.UTF_8));
    }

    /** Produces at {@code rate} records/s for {@code seconds}, in 1 ms steps; returns {records, of them amount > 50}. */
    private static long[] produce(String bootstrap, String topic, int partitions, int rate, int seconds) throws Exception {
        SplittableRandom random = new SplittableRandom(42);
        AtomicReference<Exception> failure = new AtomicReference<>();
        long sent = 0;
        long over50 = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig(bootstrap))) {
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(seconds);
            long now;
            while ((now = System.nanoTime()) < end) {
                long due = (long) ((now - start) / 1e9 * rate);
                while (sent < due) {
                    int cents = random.nextInt(10_000);
                    if (cents > 5000) {
                        over50++;
                    }
                    ProducerRecord<byte[], byte[]> r = record(topic, (int) (sent % partitions), System.currentTimeMillis(),
                            cents, random);
                    producer.send(r, (m, e) -> {
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        }
                    });
                    sent++;
                }
                Thread.sleep(1);
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return new long[] {sent, over50};
    }

    /** Reads the output as it is committed; the latency of each record whose ts is at or after {@code from}. */
    private static long[] consume(String bootstrap, String topic, int partitionCount, long from, AtomicBoolean stop) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        long[] latencies = new long[1 << 16];
        int n = 0;
        long[] steady = new long[1 << 16];
        int m = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < partitionCount; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!stop.get()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                    long received = System.currentTimeMillis();
                    long ts = tsOf(r.value());
                    if (ts >= from) {
                        if (n == latencies.length) {
                            latencies = Arrays.copyOf(latencies, n * 2);
                        }
                        latencies[n++] = received - ts;
                    }
                    if (ts >= from + WARM_UP_MS) {
                        if (m == steady.length) {
                            steady = Arrays.copyOf(steady, m * 2);
                        }
                        steady[m++] = received - ts;
                    }
                }
            }
        }
        // {n, n latencies of all records, the latencies after the warm-up}
        long[] both = new long[1 + n + m];
        both[0] = n;
        System.arraycopy(latencies, 0, both, 1, n);
        System.arraycopy(steady, 0, both, 1 + n, m);
        return both;
    }

    /** The {@code ts} field of an output record: the first number after {@code "ts":}. */
    private static long tsOf(byte[] json) {
        String s = new String(json, StandardCharsets.UTF_8);
        int i = s.indexOf("\"ts\"");
        i = s.indexOf(':', i) + 1;
        while (s.charAt(i) == ' ') {
            i++;
        }
        int j = i;
        while (j < s.length() && Character.isDigit(s.charAt(j))) {
            j++;
        }
        return Long.parseLong(s.substring(i, j));
    }

    /**
     * The child's side: runs the query until stdin ends, printing the start-up time, then its batches; then starts
     * the same query a second time in this JVM (a new name and checkpoint, its first batch capped at
     * {@value #SEED_RECORDS} records as the first query's was) and prints that one's start-up time too.
     */
    static void runQuery(String bootstrap, String in, String out) throws Exception {
        try (TemporaryHome home = TemporaryHome.create();
                Sluice sluice = Sluice.builder().home(home.path()).bootstrapServers(bootstrap).build()) {
            sluice.execute("CREATE TABLE lat_in (ts BIGINT, user_id INT, page VARCHAR, amount DOUBLE, country VARCHAR) "
                    + "WITH ('connector'='kafka', 'topic'='" + in + "', 'format'='json', 'scan.startup.mode'='earliest')");
            sluice.execute("CREATE TABLE lat_out (ts BIGINT, user_id INT, amount DOUBLE) WITH ('connector'='kafka', "
                    + "'topic'='" + out + "', 'format'='json')");
            sluice.execute("SET trigger = '100 ms'");
            // Every batch, not only the last 100 recentProgress keeps.
            List<QueryProgress> batches = new java.util.concurrent.CopyOnWriteArrayList<>();
            sluice.addListener(new StreamingQueryListener() {
                @Override
                public void onBatchCompleted(StreamingQuery query, QueryProgress progress) {
                    batches.add(progress);
                }
            });
            String insert = "INSERT INTO lat_out SELECT STREAM ts, user_id, amount FROM lat_in WHERE amount > 50";
            long t0 = System.nanoTime();
            StreamingQuery q = ((StatementResult.Query) sluice.execute(insert)).query();
            long firstBatch = startUp(q, t0);
            OUT.println(FIRST_BATCH + (firstBatch - t0) / 1_000_000);
            OUT.flush();
            while (System.in.read() >= 0) {
                // Runs until the parent closes stdin.
            }
            q.stop();
            // The steady part: batches that started after the parent's warm-up (it produces from the first batch on).
            long steadyFrom = batches.get(0).timestamp().toEpochMilli() + WARM_UP_MS;
            List<QueryProgress> steady = batches.stream().filter(p -> p.inputRows() > 0
                    && p.timestamp().toEpochMilli() >= steadyFrom).toList();
            OUT.println("BATCHES " + describe(steady));
            // The same query again in this JVM: what a second query of a session pays.
            sluice.execute("SET " + Sluice.QUERY_NAME + " = 'latency_second_query'");
            sluice.execute("SET " + FlowControlOptions.MAX_OFFSETS_PER_TRIGGER + " = '" + SEED_RECORDS + "'");
            long t1 = System.nanoTime();
            StreamingQuery second = ((StatementResult.Query) sluice.execute(insert)).query();
            long secondFirstBatch = startUp(second, t1);
            second.stop();
            OUT.println(SECOND_QUERY + (secondFirstBatch - t1) / 1_000_000);
        }
    }

    /**
     * Waits for the query's first committed batch and prints where its start-up went: planning and opening the
     * sources and sink (until INSERT returns), then the first batch's phases. Returns when it was seen.
     */
    private static long startUp(StreamingQuery q, long submittedAt) throws Exception {
        long returned = System.nanoTime();
        while (q.lastProgress().isEmpty()) {
            if (q.exception().isPresent()) {
                throw q.exception().get();
            }
            Thread.sleep(1);
        }
        long firstBatch = System.nanoTime();
        OUT.println("STARTUP " + q.name() + ": INSERT returned after " + (returned - submittedAt) / 1_000_000
                + " ms; first batch committed " + (firstBatch - returned) / 1_000_000 + " ms later (its phases, ms: "
                + q.lastProgress().get().durationMillis() + ")");
        return firstBatch;
    }

    /** Per batch: the mean of each phase, and p50 / p99 / max of processing time and of scheduling delay. */
    private static String describe(List<QueryProgress> batches) {
        Map<String, long[]> sums = new TreeMap<>();
        for (QueryProgress p : batches) {
            p.durationMillis().forEach((k, v) -> sums.computeIfAbsent(k, x -> new long[1])[0] += v);
        }
        StringBuilder sb = new StringBuilder(batches.size() + " batches with input after the first "
                + WARM_UP_MS / 1000 + " s; mean ms:");
        for (Map.Entry<String, long[]> e : sums.entrySet()) {
            sb.append(' ').append(e.getKey()).append(' ').append(String.format(Locale.ROOT, "%.1f",
                    batches.isEmpty() ? 0.0 : (double) e.getValue()[0] / batches.size()));
        }
        long[] processing = batches.stream().mapToLong(QueryProgress::processingTimeMillis).sorted().toArray();
        long[] delay = batches.stream().mapToLong(QueryProgress::schedulingDelayMillis).sorted().toArray();
        sb.append("; processing p50/p99/max ").append(percentile(processing, 0.5)).append(" / ")
                .append(percentile(processing, 0.99)).append(" / ").append(percentile(processing, 1.0))
                .append("; scheduling delay p50/p99/max ").append(percentile(delay, 0.5)).append(" / ")
                .append(percentile(delay, 0.99)).append(" / ").append(percentile(delay, 1.0));
        return sb.toString();
    }
}
