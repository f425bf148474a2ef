package dev.sluice.ui;

import static java.util.Objects.requireNonNull;

import dev.sluice.api.QueryProgress;
import dev.sluice.api.SluiceException;
import dev.sluice.api.StreamingQuery;
import dev.sluice.api.StreamingQueryListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The continuous queries' numbers as Micrometer meters, one series per query name (stable across restarts,
 * like the checkpoint), scraped from {@code /metrics} in Prometheus' format. Counters add every batch's
 * rows; gauges show the last batch's rates, delays, lag per partition, state and watermark. The names are
 * documented in docs/operations.md.
 */
final class QueryMetrics implements StreamingQueryListener {
    /** The statuses {@code sluice_query_status} has a series for; the query's current one is 1. */
    static final List<String> STATUSES = List.of("running", "waiting", "stopped", "failed");

    private final MeterRegistry registry;
    private final Map<String, Series> series = new ConcurrentHashMap<>();

    QueryMetrics(MeterRegistry registry) {
        this.registry = requireNonNull(registry, "registry is null");
    }

    @Override
    public void onQueryStarted(StreamingQuery query) {
        seriesOf(query).status = "running";
    }

    @Override
    public void onBatchCompleted(StreamingQuery query, QueryProgress progress) {
        Series s = seriesOf(query);
        s.last = progress;
        s.status = "running";
        s.inputRows.increment(progress.inputRows());
        s.outputRows.increment(progress.outputRows());
        s.malformedRows.increment(progress.malformedRows());
        s.lateRows.increment(progress.lateRows());
        s.batchDuration.record(Duration.ofMillis(progress.processingTimeMillis()));
        for (Map.Entry<String, Long> phase : progress.durationMillis().entrySet()) {
            Timer.builder("sluice.query.batch.phase.duration")
                    .description("Time per phase of a batch: planOffsets, offsetLog, process, sink, commit, outage")
                    .tags(s.tags.and("phase", phase.getKey()))
                    .register(registry)
                    .record(Duration.ofMillis(phase.getValue()));
        }
        progress.lag().forEach((table, partitions) -> partitions.keySet().forEach(partition -> s.lagGauge(table, partition)));
    }

    @Override
    public void onQueryWaiting(StreamingQuery query, String status) {
        seriesOf(query).status = "waiting";
    }

    @Override
    public void onQueryTerminated(StreamingQuery query, Optional<SluiceException> error) {
        seriesOf(query).status = error.isPresent() ? "failed" : "stopped";
    }

    private Series seriesOf(StreamingQuery query) {
        return series.computeIfAbsent(query.name(), Series::new);
    }

    /** The meters of one query name; what the gauges read. */
    private final class Series {
        final Tags tags;
        final Counter inputRows;
        final Counter outputRows;
        final Counter malformedRows;
        final Counter lateRows;
        final Timer batchDuration;
        final Set<String> lagPartitions = ConcurrentHashMap.newKeySet();
        volatile QueryProgress last;
        volatile String status = "running";

        Series(String name) {
            tags = Tags.of("query", name);
            inputRows = counter("sluice.query.input.rows", "Records read, malformed ones included");
            outputRows = counter("sluice.query.output.rows", "Rows handed to the sink");
            malformedRows = counter("sluice.query.malformed.rows", "Records skipped because they could not be decoded");
            lateRows = counter("sluice.query.late.rows", "Rows dropped for being behind the watermark");
            batchDuration = Timer.builder("sluice.query.batch.duration")
                    .description("A batch's processing time, from planning offsets to commit")
                    .tags(tags).register(registry);
            gauge("sluice.query.last.batch.id", null, "The last completed batch", p -> p.batchId());
            gauge("sluice.query.input.rows.per.second", null, "Input rate of the last batch", QueryProgress::inputRowsPerSecond);
            gauge("sluice.query.processed.rows.per.second", null, "Processing rate of the last batch",
                    QueryProgress::processedRowsPerSecond);
            gauge("sluice.query.batch.input.rows", null, "Records the last batch read", p -> p.inputRows());
            gauge("sluice.query.scheduling.delay", "seconds", "How late the last batch started after its trigger",
                    p -> p.schedulingDelayMillis() / 1000.0);
            gauge("sluice.query.processing.time", "seconds", "The last batch's processing time",
                    p -> p.processingTimeMillis() / 1000.0);
            gauge("sluice.query.total.delay", "seconds", "Scheduling delay plus processing time of the last batch",
                    p -> p.totalDelayMillis() / 1000.0);
            gauge("sluice.query.total.lag", "records", "Records behind, over every partition, at the last batch",
                    p -> p.totalLag());
            gauge("sluice.query.watermark", "seconds", "The watermark (epoch seconds) of the last batch; NaN if none",
                    p -> p.watermarkMillis() == Long.MIN_VALUE ? Double.NaN : p.watermarkMillis() / 1000.0);
            gauge("sluice.query.backpressure.rate", null,
                    "Records per second backpressure allowed the last batch; -1 when it did not limit it", QueryProgress::rateLimit);
            Tags operator = tags.and("operator", QueryJson.ALL_OPERATORS);
            Gauge.builder("sluice.query.state.rows", this, s -> s.value(p -> p.stateRows()))
                    .description("Rows of operator state after the last batch").tags(operator).strongReference(true)
                    .register(registry);
            Gauge.builder("sluice.query.state", this, s -> s.value(p -> p.stateBytes()))
                    .description("Estimated bytes of operator state after the last batch").baseUnit("bytes").tags(operator)
                    .strongReference(true).register(registry);
            for (String st : STATUSES) {
                Gauge.builder("sluice.query.status", this, s -> s.status.equals(st) ? 1 : 0)
                        .description("1 for the query's current status, 0 for the others").tags(tags.and("status", st))
                        .strongReference(true).register(registry);
            }
        }

        private Counter counter(String name, String description) {
            return Counter.builder(name).description(description).tags(tags).register(registry);
        }

        private void gauge(String name, String baseUnit, String description, ToDoubleFunction<QueryProgress> f) {
            Gauge.builder(name, this, s -> s.value(f)).description(description).baseUnit(baseUnit).tags(tags)
                    .strongReference(true).register(registry);
        }

        private double value(ToDoubleFunction<QueryProgress> f) {
            QueryProgress p = last;
            return p == null ? Double.NaN : f.applyAsDouble(p);
        }

        void lagGauge(String table, String partition) {
            if (lagPartitions.add(table + "\u0000" + partition)) {
                Gauge.builder("sluice.query.lag", this, s -> s.value(p -> p.lag().getOrDefault(table, Map.of())
                                .getOrDefault(partition, 0L)))
                        .description("Records behind per topic-partition (consumer lag) at the last batch")
                        .baseUnit("records").tags(tags.and("table", table, "partition", partition))
                        .strongReference(true).register(registry);
            }
        }
    }
}
