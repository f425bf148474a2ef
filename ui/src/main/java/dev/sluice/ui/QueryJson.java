package dev.sluice.ui;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.QueryProgress;
import dev.sluice.api.StreamingQuery;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON the status page and scripts read ({@code /api/queries}, {@code /api/queries/{id}},
 * {@code /api/queries/{id}/progress}); documented in docs/operations.md.
 */
final class QueryJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The one entry of a batch's {@code stateOperators} when its progress has no per-operator breakdown: the
     * query's state over all of them (also the Prometheus gauges' {@code operator} tag: their total).
     */
    static final String ALL_OPERATORS = "all stateful operators";

    private QueryJson() {
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the queries page shows of a run. */
    static Map<String, Object> summary(QueryRun run) {
        StreamingQuery q = run.query();
        QueryRun.Totals totals = run.totals();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", q.id());
        m.put("run", run.runNumber());
        m.put("name", q.name());
        m.put("statement", q.sql());
        m.put("trigger", q.trigger());
        m.put("outputMode", q.outputMode());
        m.put("state", run.state());
        m.put("status", q.status());
        m.put("startedAt", run.startedAt().toString());
        m.put("endedAt", run.endedAt().map(Object::toString).orElse(null));
        m.put("batches", totals.batches());
        m.put("lastBatchId", run.lastProgress().map(QueryProgress::batchId).orElse(null));
        m.put("inputRows", totals.inputRows());
        m.put("outputRows", totals.outputRows());
        m.put("malformedRows", totals.malformedRows());
        m.put("lateRows", totals.lateRows());
        m.put("inputRowsPerSecond", run.lastProgress().map(QueryProgress::inputRowsPerSecond).orElse(null));
        m.put("processedRowsPerSecond", run.lastProgress().map(QueryProgress::processedRowsPerSecond).orElse(null));
        m.put("lag", run.lastProgress().map(QueryProgress::totalLag).orElse(null));
        m.put("error", run.error().map(Throwable::getMessage).orElse(null));
        return m;
    }

    /** A run's summary with its plan: EXPLAIN's text and the trees drawn from it. */
    static Map<String, Object> detail(QueryRun run) {
        Map<String, Object> m = summary(run);
        String explain = run.query().explain();
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("text", explain);
        plan.put("sections", PlanTree.parse(explain).sections());
        m.put("plan", plan);
        return m;
    }

    /** The batches of a run after {@code afterBatchId}, oldest first. */
    static Map<String, Object> progress(QueryRun run, long afterBatchId) {
        List<Object> batches = new ArrayList<>();
        for (QueryProgress p : run.progressAfter(afterBatchId)) {
            batches.add(batch(p));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", run.query().id());
        m.put("name", run.query().name());
        m.put("state", run.state());
        m.put("batches", batches);
        return m;
    }

    /**
     * One batch: {@link QueryProgress#toJson()}'s fields, its start and watermark in epoch milliseconds (for the
     * charts), and its state as a list of operators.
     */
    static ObjectNode batch(QueryProgress p) {
        try {
            ObjectNode n = (ObjectNode) JSON.readTree(p.toJson());
            n.put("timestampMillis", p.timestamp().toEpochMilli());
            if (p.watermarkMillis() == Long.MIN_VALUE) {
                n.putNull("watermarkMillis");
            } else {
                n.put("watermarkMillis", p.watermarkMillis());
            }
            if (p.stateOperators().isEmpty()) {  // a progress without the breakdown: one entry for the total
                ObjectNode state = n.putArray("stateOperators").addObject();
                state.put("operator", ALL_OPERATORS);
                state.put("stateRows", p.stateRows());
                state.put("stateBytes", p.stateBytes());
                state.put("lateRows", p.lateRows());
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
