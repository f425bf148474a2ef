package dev.sluice.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.api.QueryProgress;
import dev.sluice.api.Sluice;
import dev.sluice.api.StatementResult;
import dev.sluice.api.StreamingQuery;
import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The status page in a real browser (headless Chromium): queries on the real broker, their pages' charts read
 * back from the page (uPlot's data) and checked against the records written, and screenshots in
 * target/screenshots.
 */
class StatusPageBrowserIT {
    private static final List<String> CHARTS = List.of("rates", "duration", "delay", "batchSize", "lag", "watermark",
            "stateRows", "stateBytes", "badRows");

    /** One browser for the class: starting Chromium costs seconds. */
    static Browser browser;

    @TempDir
    Path home;

    Sluice sluice;
    StatusServer server;
    final AtomicBoolean producing = new AtomicBoolean(true);
    final List<Thread> producers = new ArrayList<>();

    @BeforeAll
    static void startBrowser(@TempDir Path profile) {
        browser = Browser.start(profile);
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void start() {
        sluice = Sluice.builder().home(home).bootstrapServers(SharedKafkaBroker.bootstrapServers()).build();
        server = StatusServer.start(sluice, "localhost", 0);
    }

    @AfterEach
    void stop() throws InterruptedException {
        producing.set(false);
        for (Thread t : producers) {
            t.join();
        }
        server.close();
        sluice.close();
    }

    @Test
    void chartsFillAndGrowAsBatchesRunAndAddUpToTheRecordsWritten() throws Exception {
        String topic = SharedKafkaBroker.createTopic("ui-live", 2);
        AtomicLong written = produceSteadily(topic, 20, 100);
        sluice.execute("CREATE TABLE clicks (ts TIMESTAMP, page VARCHAR, WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) "
                + "WITH ('connector'='kafka', 'topic'='" + topic + "', 'format'='json')");
        sluice.execute("CREATE TABLE per_window (w TIMESTAMP, page VARCHAR, n BIGINT) WITH ('connector'='memory')");
        sluice.execute("SET query.name = live_windows");
        sluice.execute("SET trigger = '300 ms'");
        StreamingQuery q = query("INSERT INTO per_window SELECT STREAM TUMBLE_END(ts, INTERVAL '2' SECOND), page, COUNT(*) "
                + "FROM clicks GROUP BY TUMBLE(ts, INTERVAL '2' SECOND), page");

        browser.driver.get(server.url() + "/query.html?id=" + q.id());
        await(() -> points("rates") >= 3);
        Map<String, Long> first = pointsOfEveryChart();
        CHARTS.forEach(c -> assertTrue(first.get(c) >= 3, c + " has data points: " + first));
        long firstBatches = first.get("batchSize");
        await(() -> points("batchSize") >= firstBatches + 4);
        Map<String, Long> later = pointsOfEveryChart();
        CHARTS.forEach(c -> assertTrue(later.get(c) > first.get(c), c + " grows: " + first + " then " + later));
        assertEquals(List.of("time", "input rows/s", "processed rows/s"), seriesLabels("rates"));
        assertEquals(List.of("time", topic + "-0", topic + "-1"), seriesLabels("lag"));
        assertTrue(seriesLabels("duration").containsAll(List.of("processing time", "planOffsets", "process", "sink", "commit")),
                seriesLabels("duration").toString());
        assertTrue(browser.driver.findElement(By.id("plan")).getText().contains("Scan clicks"), "the plan's tree");
        assertTrue(browser.driver.findElements(By.cssSelector("#plan ul.tree li ul.tree li")).size() > 3, "nested operators");
        browser.screenshot("query-page-live");

        // Once the writing stops and the query has read everything, the chart's batches add up to what was written.
        producing.set(false);
        producers.forEach(StatusPageBrowserIT::join);
        long total = written.get();
        await(() -> q.lastProgress().map(p -> p.totalLag() == 0 && sum(p.endOffsets()) == total).orElse(false));
        await(() -> chartSum("batchSize", 1) == total);
        // A batch without input may still come (the watermark moved): wait until the page has caught up with it.
        await(() -> points("batchSize") == q.recentProgress().size());
        List<QueryProgress> engine = q.recentProgress();
        assertTrue(engine.size() < 100, "the engine still holds every batch: " + engine.size());
        assertEquals(engine.size(), points("batchSize"), "one point per batch");
        // The newest batch on top: the page polls, and a batch without input may complete between reading the
        // engine's newest and the page's top row, so they are compared while the engine's stays the same.
        AtomicReference<String> seen = new AtomicReference<>();
        await(() -> {
            long newest = q.lastProgress().orElseThrow().batchId();
            String top = browser.driver.findElement(By.cssSelector("#batches tbody tr td:nth-child(1)")).getText();
            seen.set("engine's newest batch " + newest + ", the page's top row " + top);
            return newest == q.lastProgress().orElseThrow().batchId() && String.valueOf(newest).equals(top);
        }, () -> "the newest batch on top: " + seen.get());

        // The queries page lists it; its stop button stops it, as STOP QUERY does.
        browser.driver.get(server.url() + "/");
        WebElement stopButton = new WebDriverWait(browser.driver, Duration.ofSeconds(20))
                .until(d -> d.findElement(By.cssSelector("tr[data-query=live_windows] button.stop")));
        String row = browser.driver.findElement(By.cssSelector("tr[data-query=live_windows]")).getText();
        assertTrue(row.contains("RUNNING") && row.contains("processing-time 300 ms") && row.contains("update"), row);
        browser.screenshot("queries-page");
        stopButton.click();
        browser.driver.switchTo().alert().accept();
        await(() -> !q.isActive());
        new WebDriverWait(browser.driver, Duration.ofSeconds(20)).until(d ->
                d.findElement(By.cssSelector("tr[data-query=live_windows]")).getText().contains("STOPPED"));
    }

    @Test
    void aSlowSinkShowsBatchesShrinkingUnderBackpressure() throws Exception {
        String topic = SharedKafkaBroker.createTopic("ui-slow", 2);
        // A backlog for a big first batch, then a steady 2,000 records/s.
        for (int partition = 0; partition < 2; partition++) {
            List<String> values = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                values.add("{\"id\": " + i + "}");
            }
            SharedKafkaBroker.produceValues(topic, partition, values);
        }
        produceSteadily(topic, 100, 100);
        sluice.execute("CREATE TABLE src (id INT) WITH ('connector'='kafka', 'topic'='" + topic + "', 'format'='json')");
        sluice.execute("SET query.name = slow_sink");
        sluice.execute("SET trigger = '200 ms'");
        sluice.execute("SET backpressure.enabled = true");
        sluice.execute("SET backpressure.initialRate = 10000");
        // The client is the slow sink: a millisecond per row, so about 1,000 rows/s.
        StreamingQuery q = ((StatementResult.Query) sluice.execute("SELECT STREAM id FROM src", batch ->
                Thread.sleep(batch.rows().size()))).query();

        browser.driver.get(server.url() + "/query.html?id=" + q.id());
        await(() -> points("batchSize") >= 10);
        List<Double> sizes = chartValues("batchSize", 1);
        List<Double> limits = new ArrayList<>();
        q.recentProgress().forEach(p -> limits.add(p.rateLimit()));
        double firstBatch = sizes.get(0);
        double lastFive = sizes.subList(sizes.size() - 5, sizes.size()).stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        assertTrue(firstBatch >= 1500, "the first batch takes the backlog: " + sizes);
        assertTrue(lastFive * 3 < firstBatch, "batches shrink to what the sink takes: " + sizes + ", rate limits " + limits);
        // The page shows what the engine measured, batch for batch.
        List<QueryProgress> engine = q.recentProgress();
        for (int i = 0; i < Math.min(sizes.size(), engine.size()); i++) {
            assertEquals((double) engine.get(i).inputRows(), sizes.get(i), "batch " + engine.get(i).batchId());
        }
        browser.screenshot("query-page-backpressure");
        q.stop();
    }

    private StreamingQuery query(String sql) {
        return ((StatementResult.Query) sluice.execute(sql)).query();
    }

    /** Writes {@code perPartition} records to each of the topic's two partitions every {@code everyMillis}. */
    private AtomicLong produceSteadily(String topic, int perPartition, long everyMillis) {
        AtomicLong written = new AtomicLong();
        Thread t = new Thread(() -> {
            int id = 0;
            while (producing.get()) {
                for (int partition = 0; partition < 2; partition++) {
                    List<String> values = new ArrayList<>();
                    for (int i = 0; i < perPartition; i++, id++) {
                        values.add("{\"id\": " + id + ", \"ts\": " + System.currentTimeMillis() + ", \"page\": \"/p/" + (id % 5) + "\"}");
                    }
                    SharedKafkaBroker.produceValues(topic, partition, values);
                    written.addAndGet(values.size());
                }
                try {
                    Thread.sleep(everyMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "producer-" + topic);
        t.start();
        producers.add(t);
        return written;
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static long sum(Map<String, Map<String, Long>> offsets) {
        return offsets.values().stream().flatMap(m -> m.values().stream()).mapToLong(Long::longValue).sum();
    }

    private long points(String chart) {
        return Long.parseLong(browser.driver.findElement(By.cssSelector("[data-chart=" + chart + "]")).getAttribute("data-points"));
    }

    private Map<String, Long> pointsOfEveryChart() {
        Map<String, Long> points = new java.util.LinkedHashMap<>();
        CHARTS.forEach(c -> points.put(c, points(c)));
        return points;
    }

    @SuppressWarnings("unchecked")
    private List<String> seriesLabels(String chart) {
        return (List<String>) browser.driver.executeScript(
                "return window.sluiceCharts[arguments[0]].series.map(s => s.label)", chart);
    }

    /** The values of one series of a chart, as uPlot holds them (what it draws). */
    private List<Double> chartValues(String chart, int series) {
        List<?> values = (List<?>) browser.driver.executeScript(
                "return window.sluiceCharts[arguments[0]].data[arguments[1]]", chart, series);
        List<Double> out = new ArrayList<>();
        values.forEach(v -> out.add(v == null ? null : ((Number) v).doubleValue()));
        return out;
    }

    private long chartSum(String chart, int series) {
        return Math.round(chartValues(chart, series).stream().mapToDouble(Double::doubleValue).sum());
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        await(condition, () -> "condition");
    }

    private static void await(BooleanSupplier condition, Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what.get() + " not met within 60 s");
            }
            Thread.sleep(100);
        }
    }
}
