package dev.sluice.api;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.flow.FlowControlOptions;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.planner.sql.PlannedQuery;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where and how a streaming {@link DataFrame} runs: into a table of the catalog ({@link #toTable}), into a
 * connector configured here ({@link #format} + {@link #option} + {@link #start()}), or into Java code
 * ({@link #foreachBatch}). A builder, not thread-safe.
 *
 * <pre>{@code
 * StreamingQuery q = counts.writeStream()
 *         .outputMode("complete")
 *         .trigger("10 seconds")
 *         .option("checkpointLocation", "hdfs://nn:8020/sluice/checkpoints/page_counts")
 *         .toTable("page_counts");
 * q.awaitTermination();
 * }</pre>
 *
 * <p>Unset, the query name, trigger, output mode and checkpoint come from the session's options, as for SQL.
 */
public final class DataStreamWriter {
    /** Option: the query's checkpoint directory, a Hadoop FileSystem URI (default: under {@code checkpoint.root}). */
    public static final String CHECKPOINT_LOCATION = "checkpointLocation";

    private final DataFrame frame;
    private final Map<String, String> queryOptions = new LinkedHashMap<>();
    private final Map<String, String> sinkOptions = new LinkedHashMap<>();
    private String format;

    DataStreamWriter(DataFrame frame) {
        this.frame = requireNonNull(frame, "frame is null");
    }

    /** {@code update} (changed groups, default), {@code complete} (all groups) or {@code append}. */
    public DataStreamWriter outputMode(String mode) {
        queryOptions.put(Sluice.OUTPUT_MODE, requireNonNull(mode, "mode is null"));
        return this;
    }

    /** {@code "10 seconds"}, {@code "500 ms"}, {@code "once"} or {@code "available-now"}. */
    public DataStreamWriter trigger(String trigger) {
        queryOptions.put(Sluice.TRIGGER, requireNonNull(trigger, "trigger is null"));
        return this;
    }

    /** The query's name: it names its checkpoint directory, so the same name resumes where it stopped. */
    public DataStreamWriter queryName(String name) {
        queryOptions.put(Sluice.QUERY_NAME, requireNonNull(name, "name is null"));
        return this;
    }

    /** The connector to write with, for {@link #start()}: {@code kafka}, {@code filesystem}, {@code memory}... */
    public DataStreamWriter format(String connector) {
        this.format = requireNonNull(connector, "connector is null");
        return this;
    }

    /**
     * An option: {@value #CHECKPOINT_LOCATION} or a flow-control option (e.g. {@code maxOffsetsPerTrigger})
     * for the query, anything else for the connector of {@link #format} ({@code topic}, {@code format}, {@code path}...).
     */
    public DataStreamWriter option(String key, String value) {
        requireNonNull(key, "key is null");
        requireNonNull(value, "value is null");
        boolean forQuery = key.equals(CHECKPOINT_LOCATION) || FlowControlOptions.OPTIONS.contains(key);
        (forQuery ? queryOptions : sinkOptions).put(key, value);
        return this;
    }

    /** Starts the query writing into the catalog table {@code name}, as {@code INSERT INTO name SELECT STREAM}. */
    public StreamingQuery toTable(String name) {
        try {
            TableDescriptor table = frame.launcher().catalogTable(name);
            return start(frame.plan(Optional.of(table)), null);
        } catch (RuntimeException e) {
            throw Errors.toSluiceException(e);
        }
    }

    /** Starts the query writing through the connector of {@link #format} with the options given. */
    public StreamingQuery start() {
        if (format == null) {
            throw new SluiceException("start() needs a format(...) to write with, or use toTable(...) or "
                    + "foreachBatch(...)");
        }
        try {
            RowSchema schema = frame.plan(Optional.empty()).outputSchema();
            Map<String, String> options = new LinkedHashMap<>(sinkOptions);
            options.put("connector", format);
            String name = queryOptions.getOrDefault(Sluice.QUERY_NAME, format + "_sink");
            TableDescriptor sink = new TableDescriptor(name, schema, options);
            frame.launcher().prepareTemporarySink(sink);
            return start(frame.plan(Optional.of(sink)), null);
        } catch (RuntimeException e) {
            throw Errors.toSluiceException(e);
        }
    }

    /** Starts the query handing the rows of each micro-batch to {@code consumer}, on the query's thread. */
    public StreamingQuery foreachBatch(BatchConsumer consumer) {
        requireNonNull(consumer, "consumer is null");
        try {
            return start(frame.plan(Optional.empty()), consumer);
        } catch (RuntimeException e) {
            throw Errors.toSluiceException(e);
        }
    }

    private StreamingQuery start(PlannedQuery plan, BatchConsumer consumer) {
        Map<String, String> options = new LinkedHashMap<>(frame.launcher().sessionOptions());
        options.putAll(queryOptions);
        return frame.launcher().start(plan.logicalPlan(), plan, consumer, options);
    }
}
