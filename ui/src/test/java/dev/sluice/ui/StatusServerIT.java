package dev.sluice.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.api.Sluice;
import dev.sluice.api.StatementResult;
import dev.sluice.api.StreamingQuery;
import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON endpoints and {@code /metrics}, against queries on the real broker, checked against the records written. */
class StatusServerIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** One sample line of Prometheus' text format: name, optional labels, value. */
    private static final Pattern SAMPLE = Pattern.compile(
            "^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{((?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*)\\})? "
                    + "([-+]?(?:[0-9.]+(?:[eE][-+]?[0-9]+)?|NaN|Inf))$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    @TempDir
    Path home;

    Sluice sluice;
    StatusServer server;

    @BeforeEach
    void start() {
        sluice = Sluice.builder().home(home).bootstrapServers(SharedKafkaBroker.bootstrapServers()).build();
        server = StatusServer.start(sluice, "localhost", 0);
    }

    @AfterEach
    void stop() {
        server.close();
        sluice.close();
    }

    @Test
    void queriesProgressAndMetricsAddUpToTheRecordsWritten() throws Exception {
        String topic = SharedKafkaBroker.createTopic("ui-agg", 2);
        long base = 1_700_000_000_000L;
        Map<Integer, Integer> perKey = new HashMap<>();
        for (int partition = 0; partition < 2; partition++) {
            List<String> values = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                int k = (partition * 150 + i) % 7;
                perKey.merge(k, 1, Integer::sum);
                values.add("{\"ts\": " + (base + i * 100L) + ", \"k\": " + k + "}");
            }
            SharedKafkaBroker.produceValues(topic, partition, values);
        }
        sluice.execute("CREATE TABLE ev (ts TIMESTAMP, k INT, WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) "
                + "WITH ('connector'='kafka', 'topic'='" + topic + "', 'format'='json')");
        sluice.execute("CREATE TABLE per_key (k INT, n BIGINT) WITH ('connector'='memory')");
        sluice.execute("SET query.name = agg_q");
        sluice.execute("SET trigger = '200 ms'");
        sluice.execute("SET maxOffsetsPerTrigger = 50");
        StreamingQuery q = query("INSERT INTO per_key SELECT STREAM k, COUNT(*) FROM ev GROUP BY k");
        waitFor(() -> q.lastProgress().map(p -> p.totalLag() == 0 && p.endOffsets().get("ev").values().stream()
                .mapToLong(Long::longValue).sum() == 300).orElse(false));

        JsonNode queries = getJson("/api/queries");
        assertEquals(1, queries.size(), queries.toString());
        JsonNode summary = queries.get(0);
        assertEquals("agg_q", summary.get("name").asText());
        assertEquals(q.id(), summary.get("id").asText());
        assertEquals("INSERT INTO per_key SELECT STREAM k, COUNT(*) FROM ev GROUP BY k", summary.get("statement").asText());
        assertEquals("processing-time 200 ms", summary.get("trigger").asText());
        assertEquals("update", summary.get("outputMode").asText());
        assertEquals("RUNNING", summary.get("state").asText());
        assertEquals(300, summary.get("inputRows").asLong(), "every record written was read once");
        assertEquals(0, summary.get("lag").asLong());
        assertTrue(summary.get("error").isNull());

        JsonNode progress = getJson("/api/queries/" + q.id() + "/progress").get("batches");
        long inputRows = 0;
        for (JsonNode batch : progress) {
            assertTrue(batch.get("inputRows").asLong() <= 50, "maxOffsetsPerTrigger: " + batch);
            inputRows += batch.get("inputRows").asLong();
        }
        assertEquals(300, inputRows);
        assertEquals(summary.get("batches").asLong(), progress.size());
        JsonNode last = progress.get(progress.size() - 1);
        JsonNode state = last.get("stateOperators");
        assertEquals(1, state.size(), state.toString());
        assertEquals(perKey.size(), state.get(0).get("stateRows").asLong(), "a state row per key");
        assertEquals(last.get("stateRows").asLong(), state.get(0).get("stateRows").asLong());
        long watermark = last.get("watermarkMillis").asLong();
        assertEquals(q.lastProgress().orElseThrow().watermarkMillis(), watermark);
        assertTrue(watermark > base && watermark <= base + 149 * 100L - 1000, "at most the largest event time - 1 s: " + watermark);
        long lastId = last.get("batchId").asLong();
        assertEquals(0, getJson("/api/queries/" + q.id() + "/progress?after=" + lastId).get("batches").size());
        assertEquals(1, getJson("/api/queries/agg_q/progress?after=" + (lastId - 1)).get("batches").size(), "by name too");

        JsonNode detail = getJson("/api/queries/" + q.id());
        assertEquals(q.explain(), detail.get("plan").get("text").asText());
        List<String> titles = new ArrayList<>();
        detail.get("plan").get("sections").forEach(s -> titles.add(s.get("title").asText()));
        assertTrue(titles.containsAll(List.of("Logical plan (Calcite)", "Incremental execution")), titles.toString());
        assertTrue(q.explain().toLowerCase(java.util.Locale.ROOT).contains("write to per_key"), q.explain());

        Map<String, Double> metrics = scrape();
        String labels = "{query=\"agg_q\"}";
        assertEquals(300.0, metrics.get("sluice_query_input_rows_total" + labels));
        assertEquals((double) perKey.size(), metrics.get("sluice_query_state_rows{operator=\"all stateful operators\",query=\"agg_q\"}"));
        assertEquals(progress.size(), metrics.get("sluice_query_batch_duration_seconds_count" + labels));
        assertEquals(0.0, metrics.get("sluice_query_lag_records{partition=\"" + topic + "-0\",query=\"agg_q\",table=\"ev\"}"));
        assertEquals(0.0, metrics.get("sluice_query_lag_records{partition=\"" + topic + "-1\",query=\"agg_q\",table=\"ev\"}"));
        assertEquals((double) lastId, metrics.get("sluice_query_last_batch_id" + labels));
        assertEquals(watermark / 1000.0, metrics.get("sluice_query_watermark_seconds" + labels), 0.001);
        assertEquals(1.0, metrics.get("sluice_query_status{query=\"agg_q\",status=\"running\"}"));
        assertEquals(0.0, metrics.get("sluice_query_status{query=\"agg_q\",status=\"stopped\"}"));
        assertEquals(0.0, metrics.get("sluice_query_malformed_rows_total" + labels));
        assertTrue(metrics.containsKey("sluice_query_batch_phase_duration_seconds_count{phase=\"sink\",query=\"agg_q\"}"),
                metrics.keySet().toString());
        assertTrue(metrics.keySet().stream().anyMatch(k -> k.startsWith("jvm_memory_used_bytes{")), "JVM metrics");
        assertTrue(metrics.keySet().stream().anyMatch(k -> k.startsWith("jvm_threads_live_threads")), "JVM metrics");

        // The stop button's endpoint: as STOP QUERY; the query stays listed, stopped.
        assertEquals(405, send("GET", "/api/queries/" + q.id() + "/stop").statusCode());
        assertEquals(202, send("POST", "/api/queries/" + q.id() + "/stop").statusCode());
        waitFor(() -> !q.isActive());
        waitFor(() -> getJson("/api/queries").get(0).get("state").asText().equals("STOPPED"));
        assertEquals(409, send("POST", "/api/queries/" + q.id() + "/stop").statusCode());
        Map<String, Double> after = scrape();
        assertEquals(1.0, after.get("sluice_query_status{query=\"agg_q\",status=\"stopped\"}"));
        assertEquals(0.0, after.get("sluice_query_status{query=\"agg_q\",status=\"running\"}"));
        assertEquals(404, send("GET", "/api/queries/no-such-query").statusCode());
        HttpResponse<String> badAfter = send("GET", "/api/queries/agg_q/progress?after=x");
        assertEquals(400, badAfter.statusCode());
        assertEquals("Invalid 'after' batch id: x", JSON.readTree(badAfter.body()).get("error").asText());
    }

    @Test
    void aFailedQueryStaysListedWithItsError() throws Exception {
        String topic = SharedKafkaBroker.createTopic("ui-bad", 1);
        SharedKafkaBroker.produceValues(topic, 0, "{\"id\": 1}", "not json", "{\"id\": 3}");
        sluice.execute("CREATE TABLE bad (id INT) WITH ('connector'='kafka', 'topic'='" + topic + "', 'format'='json')");
        sluice.execute("CREATE TABLE sink (id INT) WITH ('connector'='memory')");
        sluice.execute("SET query.name = fails");
        StreamingQuery q = query("INSERT INTO sink SELECT STREAM id FROM bad");
        waitFor(() -> !q.isActive());
        JsonNode summary = getJson("/api/queries").get(0);
        assertEquals("FAILED", summary.get("state").asText());
        String error = summary.get("error").asText();
        assertTrue(error.contains(topic) && error.contains("offset 1"), error);
        assertNotEquals("", summary.get("endedAt").asText());
        assertEquals(1.0, scrape().get("sluice_query_status{query=\"fails\",status=\"failed\"}"));
    }

    @Test
    void aTakenPortGivesTheNextFreeOne() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            try (StatusServer next = StatusServer.start(sluice, "localhost", port)) {
                assertTrue(next.port() > port && next.port() < port + StatusServer.PORT_ATTEMPTS, "port " + next.port());
                assertEquals("http://localhost:" + next.port(), next.url());
                HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(next.url() + "/")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, page.statusCode());
                assertTrue(page.body().contains("<title>Sluice: queries</title>"), page.body());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> StatusServer.start(sluice, "localhost", 70000));
    }

    @Test
    void servesThePagesAndTheChartLibraryFromTheJar() throws Exception {
        HttpResponse<String> uplot = send("GET", "/webjars/uplot/uPlot.iife.min.js");
        assertEquals(200, uplot.statusCode());
        assertTrue(uplot.body().contains("uPlot"), "the WebJar's script");
        assertEquals("text/javascript; charset=utf-8", uplot.headers().firstValue("Content-Type").orElseThrow());
        HttpResponse<String> page = send("GET", "/query.html");
        assertEquals(200, page.statusCode());
        assertFalse(page.body().contains("http://") || page.body().contains("https://"), "nothing from the internet");
        assertEquals(404, send("GET", "/static/../StatusServer.class").statusCode());
        assertEquals(404, send("GET", "/nothing-here").statusCode());
        assertNull(scrape().get("sluice_query_input_rows_total{query=\"none\"}"));
    }

    private StreamingQuery query(String sql) {
        return ((StatementResult.Query) sluice.execute(sql)).query();
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode getJson(String path) {
        try {
            HttpResponse<String> response = send("GET", path);
            assertEquals(200, response.statusCode(), path + ": " + response.body());
            assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
            return JSON.readTree(response.body());
        } catch (Exception e) {
            throw new AssertionError(path, e);
        }
    }

    /**
     * {@code /metrics} parsed: every line a comment or a sample of Prometheus' text format, every sample's
     * family declared by a TYPE line; samples keyed by name and labels as written.
     */
    private Map<String, Double> scrape() throws Exception {
        HttpResponse<String> response = send("GET", "/metrics");
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain; version=0.0.4"));
        java.nio.file.Files.writeString(Path.of("target", "metrics-sample.txt"), response.body());  // to read
        Set<String> typed = new HashSet<>();
        Map<String, Double> samples = new HashMap<>();
        for (String line : response.body().split("\n")) {
            if (line.startsWith("# TYPE ")) {
                typed.add(line.split(" ")[2]);
                continue;
            }
            if (line.startsWith("#") || line.isEmpty()) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertTrue(m.matches(), "not a Prometheus sample: " + line);
            String family = m.group(1).replaceAll("_(count|sum|max|bucket|total)$", "");
            assertTrue(typed.contains(m.group(1)) || typed.contains(family), "no TYPE for " + line);
            if (m.group(2) != null) {
                Matcher label = LABEL.matcher(m.group(2));
                while (label.find()) {
                    assertFalse(label.group(1).isEmpty());
                }
            }
            String value = m.group(3);
            samples.put(m.group(1) + (m.group(2) == null ? "" : "{" + m.group(2).replaceAll(",$", "") + "}"),
                    value.equals("NaN") ? Double.NaN : value.endsWith("Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(value));
        }
        return samples;
    }

    static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 60 s");
            }
            Thread.sleep(50);
        }
    }

}
