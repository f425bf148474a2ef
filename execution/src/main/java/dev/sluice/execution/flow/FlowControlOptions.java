package dev.sluice.execution.flow;

import dev.sluice.execution.config.OptionDef;
import dev.sluice.execution.config.OptionTable;
import dev.sluice.execution.config.OptionType;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The rate-control options of a continuous query, with the names and meaning Spark users know. Set as
 * session options ({@code SET maxOffsetsPerTrigger = 10000}) before the query starts. Immutable.
 */
public record FlowControlOptions(OptionalLong maxOffsetsPerTrigger, OptionalLong maxRatePerPartition,
                                 long minOffsetsPerTrigger, Duration maxTriggerDelay, boolean backpressureEnabled,
                                 long backpressureInitialRate, boolean failOnDataLoss, Duration outageTimeout,
                                 long availableNowMaxOffsetsPerTrigger, long availableNowBatchMemoryTarget,
                                 long maxBatchMemoryBytes) {
    public static final String MAX_OFFSETS_PER_TRIGGER = "maxOffsetsPerTrigger";
    public static final String MAX_RATE_PER_PARTITION = "maxRatePerPartition";
    public static final String MIN_OFFSETS_PER_TRIGGER = "minOffsetsPerTrigger";
    public static final String MAX_TRIGGER_DELAY = "maxTriggerDelay";
    public static final String BACKPRESSURE_ENABLED = "backpressure.enabled";
    public static final String BACKPRESSURE_INITIAL_RATE = "backpressure.initialRate";
    public static final String FAIL_ON_DATA_LOSS = "failOnDataLoss";
    public static final String OUTAGE_TIMEOUT = "outageTimeout";
    public static final Duration DEFAULT_OUTAGE_TIMEOUT = Duration.ofMinutes(5);
    public static final String AVAILABLE_NOW_MAX_OFFSETS_PER_TRIGGER = "availableNow.maxOffsetsPerTrigger";
    /**
     * Without a cap, an available-now query over a backlog of any size ran as one batch holding the whole backlog's
     * output (0.78 GB peak RSS over 5 M records, 1.79 GB over 20 M, at -Xmx512m); batches are sized below it to
     * {@link #AVAILABLE_NOW_BATCH_MEMORY_TARGET} ({@link AvailableNowBatchSize}).
     */
    public static final long DEFAULT_AVAILABLE_NOW_MAX_OFFSETS_PER_TRIGGER = 16_000_000;
    public static final String AVAILABLE_NOW_BATCH_MEMORY_TARGET = "availableNow.batchMemoryTarget";
    /**
     * A pass-through of the bench's events (5 columns) peaks at about 78 MB per million records, and stays at the
     * first batch's million; a filter keeping two columns of half the rows at about 12 MB, and reads 4 M at once.
     */
    public static final long DEFAULT_AVAILABLE_NOW_BATCH_MEMORY_TARGET = 64L << 20;
    public static final String MAX_BATCH_MEMORY = "maxBatchMemory";

    private static final String POSITIVE = "a positive whole number";

    public static final OptionDef<Long> MAX_OFFSETS_PER_TRIGGER_OPTION = OptionDef.of(MAX_OFFSETS_PER_TRIGGER,
            OptionType.LONG, "most records one batch reads per source table, shared between partitions in proportion "
                    + "to their lag. Bounds batch size and memory; a backlog then takes several batches. Applies to "
                    + "`available-now` too (not to `once`)").validatedBy(n -> n > 0, POSITIVE);
    public static final OptionDef<Long> MAX_RATE_PER_PARTITION_OPTION = OptionDef.of(MAX_RATE_PER_PARTITION,
            OptionType.LONG, "most records per second per partition: a batch reads at most this times the trigger "
                    + "interval from each partition (processing-time triggers)").validatedBy(n -> n > 0, POSITIVE);
    public static final OptionDef<Long> MIN_OFFSETS_PER_TRIGGER_OPTION = OptionDef.of(MIN_OFFSETS_PER_TRIGGER,
            OptionType.LONG, "fewest records worth a batch; with less available the trigger waits, at most "
                    + "`maxTriggerDelay`").withDefault(0L, "0").validatedBy(n -> n > 0, POSITIVE);
    public static final OptionDef<Duration> MAX_TRIGGER_DELAY_OPTION = OptionDef.of(MAX_TRIGGER_DELAY,
            OptionType.DURATION, "longest wait for `minOffsetsPerTrigger` records")
            .withDefault(Duration.ofSeconds(15), "15 s");
    public static final OptionDef<Boolean> BACKPRESSURE_ENABLED_OPTION = OptionDef.of(BACKPRESSURE_ENABLED,
            OptionType.BOOLEAN, "adapt each batch's intake to the rate the last batches were processed at (a PID "
                    + "controller on processing time and scheduling delay), never above the manual caps")
            .withDefault(false, "false");
    public static final OptionDef<Long> BACKPRESSURE_INITIAL_RATE_OPTION = OptionDef.of(BACKPRESSURE_INITIAL_RATE,
            OptionType.LONG, "records per second for the first batch with backpressure on, before any rate was "
                    + "measured").validatedBy(n -> n > 0, POSITIVE);
    public static final OptionDef<Boolean> FAIL_ON_DATA_LOSS_OPTION = OptionDef.of(FAIL_ON_DATA_LOSS,
            OptionType.BOOLEAN, "offsets the query still needs were deleted (retention, topic recreated): stop with "
                    + "an error naming the partition and the lost range; `false` continues from the earliest "
                    + "available offset and reports the gap in the progress (`dataLoss`) and the log. See "
                    + "[Data loss](#data-loss)").withDefault(true, "true");
    public static final OptionDef<Duration> OUTAGE_TIMEOUT_OPTION = OptionDef.of(OUTAGE_TIMEOUT, OptionType.DURATION,
            "how long a query waits for Kafka (or another source or sink) that can't be reached, retrying with "
                    + "exponential backoff, before it fails naming this limit and the last error; `0 s` fails at "
                    + "once. See [Kafka outages](#kafka-outages)").withDefault(DEFAULT_OUTAGE_TIMEOUT, "5 min");
    public static final OptionDef<Long> AVAILABLE_NOW_MAX_OFFSETS_PER_TRIGGER_OPTION = OptionDef.of(
            AVAILABLE_NOW_MAX_OFFSETS_PER_TRIGGER, OptionType.LONG, "most records one batch of an `available-now` "
                    + "query reads per source table when `maxOffsetsPerTrigger` is not set, so that a backlog of any "
                    + "size is read in batches of bounded memory. A query whose rows go to the sink as they come (no "
                    + "aggregate, join of two streams, Top-N or LIMIT; into a Kafka, file or blackhole table) holds "
                    + "only the rows in flight and reads this many from the first batch; any other's first batch reads "
                    + "a sixteenth of "
                    + "it, each later one as many as the last one's peak memory per record says fit "
                    + "`availableNow.batchMemoryTarget`")
            .withDefault(DEFAULT_AVAILABLE_NOW_MAX_OFFSETS_PER_TRIGGER, "16000000").validatedBy(n -> n > 0, POSITIVE);
    public static final OptionDef<Long> AVAILABLE_NOW_BATCH_MEMORY_TARGET_OPTION = OptionDef.of(
            AVAILABLE_NOW_BATCH_MEMORY_TARGET, OptionType.BYTES, "Arrow memory an `available-now` batch is sized to "
                    + "when `maxOffsetsPerTrigger` is not set (at most half of `maxBatchMemory`), unless its rows go "
                    + "to the sink as they come: a query of small "
                    + "output reads a backlog in a few large batches, one of wide rows in batches of the first size "
                    + "(each partition a batch reads costs a fetch and a batch of its own)")
            .withDefault(DEFAULT_AVAILABLE_NOW_BATCH_MEMORY_TARGET, "64 MB")
            .validatedBy(n -> n > 0, "a positive size such as '64 MB'");
    public static final OptionDef<Long> MAX_BATCH_MEMORY_OPTION = OptionDef.of(MAX_BATCH_MEMORY, OptionType.BYTES,
            "most Arrow (off-heap) memory a continuous query's batch may hold at once (its tasks' output, its "
                    + "operators' working memory): a batch that needs more fails naming this option, instead of the "
                    + "process being killed for lack of memory. Default: the JVM's maximum heap (-Xmx), as the JDK "
                    + "bounds direct memory").validatedBy(n -> n > 0, "a positive size such as '512 MB' or '2 GB'");

    /** Every flow-control option, defined once: parsing, SET's checks, HELP and the operations guide's table. */
    public static final OptionTable OPTIONS = OptionTable.of(MAX_OFFSETS_PER_TRIGGER_OPTION,
            MAX_RATE_PER_PARTITION_OPTION, MIN_OFFSETS_PER_TRIGGER_OPTION, MAX_TRIGGER_DELAY_OPTION,
            BACKPRESSURE_ENABLED_OPTION, BACKPRESSURE_INITIAL_RATE_OPTION, FAIL_ON_DATA_LOSS_OPTION,
            OUTAGE_TIMEOUT_OPTION, AVAILABLE_NOW_MAX_OFFSETS_PER_TRIGGER_OPTION, AVAILABLE_NOW_BATCH_MEMORY_TARGET_OPTION,
            MAX_BATCH_MEMORY_OPTION);

    public static final FlowControlOptions DEFAULT = parse(Map.of());

    /** Options with the default {@code outageTimeout}, available-now batch sizes and batch memory. */
    public FlowControlOptions(OptionalLong maxOffsetsPerTrigger, OptionalLong maxRatePerPartition,
                              long minOffsetsPerTrigger, Duration maxTriggerDelay, boolean backpressureEnabled,
                              long backpressureInitialRate, boolean failOnDataLoss) {
        this(maxOffsetsPerTrigger, maxRatePerPartition, minOffsetsPerTrigger, maxTriggerDelay, backpressureEnabled,
                backpressureInitialRate, failOnDataLoss, DEFAULT_OUTAGE_TIMEOUT,
                DEFAULT_AVAILABLE_NOW_MAX_OFFSETS_PER_TRIGGER, DEFAULT_AVAILABLE_NOW_BATCH_MEMORY_TARGET,
                defaultMaxBatchMemory());
    }

    /** The JVM's maximum heap: what the JDK allows direct memory by default. */
    public static long defaultMaxBatchMemory() {
        return Runtime.getRuntime().maxMemory();
    }

    /**
     * Reads the options from a session's options (other keys are ignored).
     *
     * @throws dev.sluice.execution.error.EngineException a user's error naming the option and the bad value
     */
    public static FlowControlOptions parse(Map<String, String> options) {
        return new FlowControlOptions(
                optional(OptionTable.get(options, MAX_OFFSETS_PER_TRIGGER_OPTION)),
                optional(OptionTable.get(options, MAX_RATE_PER_PARTITION_OPTION)),
                OptionTable.get(options, MIN_OFFSETS_PER_TRIGGER_OPTION).orElseThrow(),
                OptionTable.get(options, MAX_TRIGGER_DELAY_OPTION).orElseThrow(),
                OptionTable.get(options, BACKPRESSURE_ENABLED_OPTION).orElseThrow(),
                OptionTable.get(options, BACKPRESSURE_INITIAL_RATE_OPTION).orElse(Long.MAX_VALUE),
                OptionTable.get(options, FAIL_ON_DATA_LOSS_OPTION).orElseThrow(),
                OptionTable.get(options, OUTAGE_TIMEOUT_OPTION).orElseThrow(),
                OptionTable.get(options, AVAILABLE_NOW_MAX_OFFSETS_PER_TRIGGER_OPTION).orElseThrow(),
                OptionTable.get(options, AVAILABLE_NOW_BATCH_MEMORY_TARGET_OPTION).orElseThrow(),
                OptionTable.get(options, MAX_BATCH_MEMORY_OPTION).orElseGet(FlowControlOptions::defaultMaxBatchMemory));
    }

    private static OptionalLong optional(Optional<Long> value) {
        return value.map(OptionalLong::of).orElse(OptionalLong.empty());
    }
}
