package dev.sluice.execution.flow;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The rate-control options of a continuous query, with the names and meaning Spark users know. Set as
 * session options ({@code SET maxOffsetsPerTrigger = 10000}) before the query starts. Immutable.
 */
public record FlowControlOptions(OptionalLong maxOffsetsPerTrigger, OptionalLong maxRatePerPartition,
                                 long minOffsetsPerTrigger, Duration maxTriggerDelay, boolean backpressureEnabled,
                                 long backpressureInitialRate, boolean failOnDataLoss, Duration outageTimeout,
                                 long availableNowMaxOffsetsPerTrigger, long maxBatchMemoryBytes) {
    public static final String MAX_OFFSETS_PER_TRIGGER = "maxOffsetsPerTrigger";
    public static final String MAX_OFFSETS_PER_TRIGGER_DOC = "Most records one batch reads, in total over the "
            + "partitions of a source table, split in proportion to each partition's lag. Bounds batch size and "
            + "memory; a backlog then takes several batches. Default: no limit.";
    public static final String MAX_RATE_PER_PARTITION = "maxRatePerPartition";
    public static final String MAX_RATE_PER_PARTITION_DOC = "Most records per second per partition: a batch "
            + "reads at most this times the trigger interval from each partition. Default: no limit.";
    public static final String MIN_OFFSETS_PER_TRIGGER = "minOffsetsPerTrigger";
    public static final String MIN_OFFSETS_PER_TRIGGER_DOC = "Fewest records worth a batch: with less available, "
            + "the trigger waits, but never longer than maxTriggerDelay. Default 0 (any new record starts a batch).";
    public static final String MAX_TRIGGER_DELAY = "maxTriggerDelay";
    public static final String MAX_TRIGGER_DELAY_DOC = "Longest wait for minOffsetsPerTrigger records, e.g. '15 s'. "
            + "Default 15 s.";
    public static final String BACKPRESSURE_ENABLED = "backpressure.enabled";
    public static final String BACKPRESSURE_ENABLED_DOC = "Adapt each batch's intake to the rate the last batches "
            + "were processed at (a PID controller on processing time and scheduling delay), never above the manual "
            + "caps. Default false.";
    public static final String BACKPRESSURE_INITIAL_RATE = "backpressure.initialRate";
    public static final String BACKPRESSURE_INITIAL_RATE_DOC = "Records per second the first batch may read with "
            + "backpressure on, before any rate was measured. Default: no limit.";
    public static final String FAIL_ON_DATA_LOSS = "failOnDataLoss";
    public static final String FAIL_ON_DATA_LOSS_DOC = "When offsets the query still needs were deleted (retention, "
            + "topic deleted and recreated): 'true' (default) stops the query with an error naming the partition and "
            + "the lost offsets; 'false' continues from the earliest available offset and reports the gap.";
    public static final String OUTAGE_TIMEOUT = "outageTimeout";
    public static final String OUTAGE_TIMEOUT_DOC = "How long a query waits for a source or sink that can't be "
            + "reached (a Kafka broker down or unreachable: timeouts, lost connections), retrying with exponential "
            + "backoff, before it fails naming this limit and the last error, e.g. '30 s'. '0 s' fails at once. "
            + "Default 5 min.";
    public static final Duration DEFAULT_OUTAGE_TIMEOUT = Duration.ofMinutes(5);
    public static final String AVAILABLE_NOW_MAX_OFFSETS_PER_TRIGGER = "availableNow.maxOffsetsPerTrigger";
    /**
     * Without it, an available-now query over a backlog of any size ran as one batch holding the whole backlog's
     * output (0.78 GB peak RSS over 5 M records, 1.79 GB over 20 M, at -Xmx512m).
     */
    public static final long DEFAULT_AVAILABLE_NOW_MAX_OFFSETS_PER_TRIGGER = 1_000_000;
    public static final String AVAILABLE_NOW_MAX_OFFSETS_PER_TRIGGER_DOC = "Most records one batch of an "
            + "'available-now' query reads per source table when maxOffsetsPerTrigger is not set, so that a backlog "
            + "of any size is read in batches of bounded memory. Default 1,000,000.";
    public static final String MAX_BATCH_MEMORY = "maxBatchMemory";
    public static final String MAX_BATCH_MEMORY_DOC = "Most Arrow (off-heap) memory a continuous query's batch may "
            + "hold at once (its tasks' output, its operators' working memory), e.g. '512 MB', '2 GB': a batch that "
            + "needs more fails naming this option, instead of the process being killed for lack of memory. "
            + "Default: the JVM's maximum heap (-Xmx), as the JDK bounds direct memory.";

    /** Every option with its documentation, for HELP and docs. */
    public static final Map<String, String> OPTION_DOCS = docs();

    public static final FlowControlOptions DEFAULT = parse(Map.of());

    /** Options with the default {@code outageTimeout}, available-now batch cap and batch memory. */
    public FlowControlOptions(OptionalLong maxOffsetsPerTrigger, OptionalLong maxRatePerPartition,
                              long minOffsetsPerTrigger, Duration maxTriggerDelay, boolean backpressureEnabled,
                              long backpressureInitialRate, boolean failOnDataLoss) {
        this(maxOffsetsPerTrigger, maxRatePerPartition, minOffsetsPerTrigger, maxTriggerDelay, backpressureEnabled,
                backpressureInitialRate, failOnDataLoss, DEFAULT_OUTAGE_TIMEOUT,
                DEFAULT_AVAILABLE_NOW_MAX_OFFSETS_PER_TRIGGER, defaultMaxBatchMemory());
    }

    /** The JVM's maximum heap: what the JDK allows direct memory by default. */
    public static long defaultMaxBatchMemory() {
        return Runtime.getRuntime().maxMemory();
    }

    private static Map<String, String> docs() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(MAX_OFFSETS_PER_TRIGGER, MAX_OFFSETS_PER_TRIGGER_DOC);
        m.put(MAX_RATE_PER_PARTITION, MAX_RATE_PER_PARTITION_DOC);
        m.put(MIN_OFFSETS_PER_TRIGGER, MIN_OFFSETS_PER_TRIGGER_DOC);
        m.put(MAX_TRIGGER_DELAY, MAX_TRIGGER_DELAY_DOC);
        m.put(BACKPRESSURE_ENABLED, BACKPRESSURE_ENABLED_DOC);
        m.put(BACKPRESSURE_INITIAL_RATE, BACKPRESSURE_INITIAL_RATE_DOC);
        m.put(FAIL_ON_DATA_LOSS, FAIL_ON_DATA_LOSS_DOC);
        m.put(OUTAGE_TIMEOUT, OUTAGE_TIMEOUT_DOC);
        m.put(AVAILABLE_NOW_MAX_OFFSETS_PER_TRIGGER, AVAILABLE_NOW_MAX_OFFSETS_PER_TRIGGER_DOC);
        m.put(MAX_BATCH_MEMORY, MAX_BATCH_MEMORY_DOC);
        return Map.copyOf(m);
    }

    /**
     * Reads the options from a session's options (other keys are ignored).
     *
     * @throws IllegalArgumentException naming the option and the bad value
     */
    public static FlowControlOptions parse(Map<String, String> options) {
        return new FlowControlOptions(
                optionalPositive(options, MAX_OFFSETS_PER_TRIGGER),
                optionalPositive(options, MAX_RATE_PER_PARTITION),
                optionalPositive(options, MIN_OFFSETS_PER_TRIGGER).orElse(0),
                duration(options, MAX_TRIGGER_DELAY, Duration.ofSeconds(15)),
                bool(options, BACKPRESSURE_ENABLED, false),
                optionalPositive(options, BACKPRESSURE_INITIAL_RATE).orElse(Long.MAX_VALUE),
                bool(options, FAIL_ON_DATA_LOSS, true),
                duration(options, OUTAGE_TIMEOUT, DEFAULT_OUTAGE_TIMEOUT),
                optionalPositive(options, AVAILABLE_NOW_MAX_OFFSETS_PER_TRIGGER)
                        .orElse(DEFAULT_AVAILABLE_NOW_MAX_OFFSETS_PER_TRIGGER),
                bytes(options, MAX_BATCH_MEMORY).orElseGet(FlowControlOptions::defaultMaxBatchMemory));
    }

    /** A size: bytes, or a number with B, KB, MB, GB (powers of 1024; case and spaces ignored). */
    private static OptionalLong bytes(Map<String, String> options, String key) {
        String v = options.get(key);
        if (v == null) {
            return OptionalLong.empty();
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9][0-9_]*)\\s*([kmg]?b?)")
                .matcher(v.trim().toLowerCase(Locale.ROOT));
        if (m.matches()) {
            try {
                long n = Long.parseLong(m.group(1).replace("_", ""));
                int shift = switch (m.group(2).isEmpty() ? 'b' : m.group(2).charAt(0)) {
                    case 'k' -> 10;
                    case 'm' -> 20;
                    case 'g' -> 30;
                    default -> 0;
                };
                if (n > 0 && n <= (Long.MAX_VALUE >> shift)) {
                    return OptionalLong.of(n << shift);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException("Option '" + key + "' must be a positive size such as '512 MB' or '2 GB', not '"
                + v + "'");
    }

    private static OptionalLong optionalPositive(Map<String, String> options, String key) {
        String v = options.get(key);
        if (v == null) {
            return OptionalLong.empty();
        }
        try {
            long n = Long.parseLong(v.trim().replace("_", ""));
            if (n > 0) {
                return OptionalLong.of(n);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("Option '" + key + "' must be a positive whole number, not '" + v + "'");
    }

    private static boolean bool(Map<String, String> options, String key, boolean defaultValue) {
        String v = options.get(key);
        if (v == null) {
            return defaultValue;
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("Option '" + key + "' must be 'true' or 'false', not '" + v + "'");
        };
    }

    private static Duration duration(Map<String, String> options, String key, Duration defaultValue) {
        String v = options.get(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            return dev.sluice.execution.stream.Trigger.parse(v).interval();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Option '" + key + "' must be a duration such as '15 s' or '500 ms', not '"
                    + v + "'");
        }
    }
}
