package dev.sluice.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Flags of {@code ./sluice bench}: {@code --n} events (5,000,000), {@code --partitions} (8),
 * {@code --bootstrap host:port} (an existing broker; default: the embedded broker started in a JVM of its own,
 * with {@code --broker-heap} (1g), or with {@code --in-process-broker} in the bench's JVM), {@code --topic}
 * (events), {@code --queries q1,q2,q3}, {@code --set option=value} (a session option of the queries,
 * repeatable), {@code --repeat} (1), {@code --seed} (42), {@code --heap} (1g: the -Xmx of every measured JVM,
 * Spark's default driver heap, so peak RSS compares like for like), {@code --run-records} (0: a new topic is
 * written as one producer writes keyed records; N: each partition's records are sent in runs of N, so its
 * record batches hold about N records however many partitions there are, see {@link EventGenerator}). Internal:
 * {@code --phase} runs one measurement in this JVM (the parent launches one child JVM per phase so each
 * has its own peak RSS).
 *
 * <p>{@code --nexmark} (no value) runs Nexmark instead: {@code --n} events (persons, auctions and bids
 * together) generated into the topics {@code nexmark-person}, {@code nexmark-auction}, {@code nexmark-bid}
 * at {@code --rate} events per second of event time (10,000,000, the Flink suite's), and the queries
 * {@code --queries nexmark-q0,nexmark-q1,...} (default: those Sluice runs today).
 *
 * <p>{@code --latency} (no value) measures latency and start-up instead ({@link LatencyRun}): a producer at each
 * of {@code --rates} records/s (20000,100000) for {@code --seconds} (60) into a new topic, a continuous Q1 with a
 * 100 ms trigger into a Kafka topic.
 */
record BenchOptions(long n, int partitions, Optional<String> bootstrap, String topic, List<String> queries,
                    int repeat, long seed, String heap, Optional<String> phase, long expectedQ1, boolean nexmark,
                    double rate, boolean inProcessBroker, String brokerHeap, boolean latency, List<Integer> rates,
                    int seconds, Optional<String> outTopic, List<String> settings, int runRecords) {

    static BenchOptions parse(String[] args) {
        long n = 5_000_000;
        int partitions = 8;
        Optional<String> bootstrap = Optional.empty();
        String topic = "events";
        List<String> queries = null;
        boolean nexmark = false;
        boolean inProcessBroker = false;
        boolean latency = false;
        List<Integer> rates = List.of(20_000, 100_000);
        int seconds = 60;
        Optional<String> outTopic = Optional.empty();
        List<String> settings = new ArrayList<>();
        String brokerHeap = "1g";
        double rate = dev.sluice.bench.nexmark.NexmarkConfig.DEFAULT_EVENTS_PER_SECOND;
        int repeat = 1;
        long seed = 42;
        String heap = "1g";
        Optional<String> phase = Optional.empty();
        long expectedQ1 = -1;
        int runRecords = 0;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--help") || flag.equals("-h")) {
                throw new IllegalArgumentException("usage");
            }
            if (flag.equals("--nexmark")) {
                nexmark = true;
                continue;
            }
            if (flag.equals("--latency")) {
                latency = true;
                continue;
            }
            if (flag.equals("--in-process-broker")) {
                inProcessBroker = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("Flag " + flag + " needs a value");
            }
            String value = args[++i];
            switch (flag) {
                case "--n" -> n = Long.parseLong(value.replace("_", ""));
                case "--partitions" -> partitions = Integer.parseInt(value);
                case "--bootstrap" -> bootstrap = Optional.of(value);
                case "--topic" -> topic = value;
                case "--queries" -> queries = List.of(value.toLowerCase(java.util.Locale.ROOT).split(","));
                case "--repeat" -> repeat = Integer.parseInt(value);
                case "--seed" -> seed = Long.parseLong(value);
                case "--heap" -> heap = value;
                case "--phase" -> phase = Optional.of(value);
                case "--expected-q1" -> expectedQ1 = Long.parseLong(value);
                case "--broker-heap" -> brokerHeap = value;
                case "--rates" -> rates = java.util.Arrays.stream(value.replace("_", "").split(",")).map(Integer::valueOf).toList();
                case "--seconds" -> seconds = Integer.parseInt(value);
                case "--out-topic" -> outTopic = Optional.of(value);
                case "--set" -> {
                    if (!value.contains("=")) {
                        throw new IllegalArgumentException("--set needs option=value, not '" + value + "'");
                    }
                    settings.add(value);
                }
                case "--run-records" -> runRecords = Integer.parseInt(value.replace("_", ""));
                case "--rate" -> rate = Double.parseDouble(value.replace("_", ""));
                default -> throw new IllegalArgumentException("Unknown flag " + flag);
            }
        }
        if (queries == null) {
            queries = nexmark ? NexmarkRun.DEFAULT_QUERIES : List.of("q1", "q2", "q3");
        }
        nexmark |= queries.stream().anyMatch(q -> q.startsWith("nexmark-"));
        List<String> known = nexmark ? NexmarkRun.QUERIES : SluiceQueryRun.QUERIES;
        for (String q : queries) {
            if (!known.contains(q)) {
                throw new IllegalArgumentException("Unknown query '" + q + "' (" + String.join(", ", known) + ")"
                        + (nexmark ? "; Nexmark queries and Q1-Q3 run separately" : ""));
            }
        }
        return new BenchOptions(n, partitions, bootstrap, topic, queries, repeat, seed, heap, phase, expectedQ1,
                nexmark, rate, inProcessBroker, brokerHeap, latency, rates, seconds, outTopic,
                List.copyOf(settings), runRecords);
    }

    /** The flags a child JVM needs to run {@code phase} against {@code bootstrap}. */
    List<String> childArgs(String phase, String bootstrapServers, long expectedRecords, long expectedQ1Rows) {
        List<String> args = new ArrayList<>(List.of("--phase", phase, "--bootstrap", bootstrapServers, "--topic", topic,
                "--n", Long.toString(expectedRecords), "--expected-q1", Long.toString(expectedQ1Rows)));
        settings.forEach(setting -> args.addAll(List.of("--set", setting)));
        return args;
    }
}
