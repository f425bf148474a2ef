package dev.sluice.api;

import dev.sluice.execution.config.OptionDef;
import dev.sluice.execution.config.OptionTable;
import dev.sluice.execution.config.OptionType;
import dev.sluice.execution.flow.FlowControlOptions;
import dev.sluice.execution.state.StateTtl;
import dev.sluice.execution.stream.Trigger;

/**
 * The session options ({@code SET key = value}), each defined once: what {@code SET} checks, what it lists, the
 * shell's HELP and the user guide's table come from here, as the flow-control options come from
 * {@link FlowControlOptions#OPTIONS}. Other keys may be set too (a connector may read them); they are not checked.
 */
public final class SessionOptions {
    public static final OptionDef<String> TRIGGER = OptionDef.of(Sluice.TRIGGER, OptionType.STRING,
            "when the next continuous query runs a batch: any interval (`500 ms`, `10 seconds`, `1 min`), `once` "
                    + "(one batch with all available data, then stop), `available-now` (all data available at start, "
                    + "in batches sized to `availableNow.batchMemoryTarget`, of at most `availableNow.maxOffsetsPerTrigger` "
                    + "records, unless `maxOffsetsPerTrigger` is set, then stop)")
            .withDefault("1 s", "1 s")
            .validatedBy(SessionOptions::isTrigger, "an interval such as '1 s' or '500 ms', 'once' or 'available-now'");
    public static final OptionDef<String> OUTPUT_MODE = OptionDef.of(Sluice.OUTPUT_MODE,
            OptionType.oneOf("update", "complete", "append"),
            "how a continuous GROUP BY emits: `update` (changed groups), `complete` (every group, each batch), "
                    + "`append` (a window's row once, when the watermark closes it)")
            .withDefault("update", "update");
    public static final OptionDef<String> QUERY_NAME = OptionDef.of(Sluice.QUERY_NAME, OptionType.STRING,
            "the next continuous query's name, and its checkpoint directory's; for one query")
            .withDefaultText("derived from the statement text");
    public static final OptionDef<String> KAFKA_GROUP_ID = OptionDef.of(Sluice.KAFKA_GROUP_ID, OptionType.STRING,
            "the Kafka consumer group the next query commits its offsets to (over the table's "
                    + "`properties.group.id`); like `query.name`, for one query")
            .withDefaultText("sluice-<query name>");
    public static final OptionDef<String> STATE_TTL = OptionDef.of(StateTtl.OPTION, OptionType.STRING,
            "how long a regular join of two streams (no time bound) keeps a row after it was stored or first "
                    + "matched: `1 h`, `30 min`, `10 s`; without it such a join is refused")
            .validatedBy(SessionOptions::isTtl, "a positive duration such as '1 h', '30 min', '10 s' or '500 ms'");
    public static final OptionDef<String> CHECKPOINT_ROOT = OptionDef.of(Sluice.CHECKPOINT_ROOT, OptionType.STRING,
            "where `INSERT INTO` queries keep their checkpoints (any Hadoop FileSystem URI); a query's checkpoint is "
                    + "`<root>/<query name>`")
            .withDefaultText("<home>/checkpoints");
    public static final OptionDef<String> BOOTSTRAP_SERVERS = OptionDef.of(Sluice.BOOTSTRAP_SERVERS,
            OptionType.STRING, "the Kafka brokers of tables that don't name their own (`--bootstrap` sets it)");

    /** The session's own options, without flow control. */
    public static final OptionTable SESSION = OptionTable.of(TRIGGER, OUTPUT_MODE, QUERY_NAME, KAFKA_GROUP_ID,
            STATE_TTL, CHECKPOINT_ROOT, BOOTSTRAP_SERVERS);
    /** Every option SET knows: the session's, then flow control's. */
    public static final OptionTable ALL = SESSION.with(FlowControlOptions.OPTIONS);

    private SessionOptions() {
    }

    private static boolean isTrigger(String text) {
        try {
            Trigger.parse(text);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean isTtl(String text) {
        try {
            StateTtl.parse(text);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
