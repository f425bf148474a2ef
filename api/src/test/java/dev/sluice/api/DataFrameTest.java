package dev.sluice.api;

import static dev.sluice.api.Functions.col;
import static dev.sluice.api.Functions.count;
import static dev.sluice.api.Functions.countDistinct;
import static dev.sluice.api.Functions.lit;
import static dev.sluice.api.Functions.max;
import static dev.sluice.api.Functions.sum;
import static dev.sluice.api.Functions.upper;
import static dev.sluice.api.Functions.window;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The DataFrame API end to end: the same plans and results as the SQL twin of each query. */
class DataFrameTest extends SessionTest {
    private static final long BASE = 1_700_000_000_000L;  // 2023-11-14T22:13:20Z
    private static final LocalDateTime W0 = LocalDateTime.of(2023, 11, 14, 22, 13, 20);

    private String topic;

    @BeforeEach
    void createClicks() {
        topic = SharedKafkaBroker.createTopic("dfclicks", 2);
        message("CREATE TABLE clicks (ts TIMESTAMP, user_id BIGINT, page VARCHAR, amount DOUBLE, "
                + "WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) WITH ('connector'='kafka', 'topic'='" + topic
                + "', 'format'='json')");
        click(0, 1_000, 1, "/a", 2.0);
        click(1, 4_000, 2, "/a", 3.0);
        click(0, 5_000, 1, "/b", 0.5);
        click(1, 12_000, 3, "/a", 4.0);
        click(0, 15_000, 1, "/b", 6.0);
    }

    private void click(int partition, long t, long user, String page, double amount) {
        SharedKafkaBroker.produce(topic, partition, null, "{\"ts\": " + (BASE + t) + ", \"user_id\": " + user
                + ", \"page\": \"" + page + "\", \"amount\": " + amount + "}");
    }

    private static final String WINDOWED_SQL = "SELECT TUMBLE_START(ts, INTERVAL '10' SECOND) AS window_start, "
            + "TUMBLE_END(ts, INTERVAL '10' SECOND) AS window_end, page, COUNT(*) AS n, SUM(amount) AS total "
            + "FROM clicks WHERE amount > 1 GROUP BY TUMBLE(ts, INTERVAL '10' SECOND), page";

    private DataFrame windowed(DataFrame clicks) {
        return clicks.where(col("amount").gt(1))
                .groupBy(window(col("ts"), "10 seconds"), col("page"))
                .agg(count("*").as("n"), sum("amount").as("total"));
    }

    @Test
    void windowedAggregateHasTheSamePlanAndResultsAsItsSqlTwin() {
        DataFrame df = windowed(sluice.table("clicks"));
        assertEquals(List.of("window_start", "window_end", "page", "n", "total"), df.columns());
        assertEquals(message("EXPLAIN " + WINDOWED_SQL), df.explain());
        List<List<Object>> expected = List.of(
                row(W0, W0.plusSeconds(10), "/a", 2L, 5.0),
                row(W0.plusSeconds(10), W0.plusSeconds(20), "/a", 1L, 4.0),
                row(W0.plusSeconds(10), W0.plusSeconds(20), "/b", 1L, 6.0));
        assertEquals(expected, sortedByText(df.collect().rows()));
        assertEquals(expected, sortedByText(rows(WINDOWED_SQL)));
    }

    private static List<List<Object>> sortedByText(List<List<Object>> rows) {
        List<List<Object>> sorted = new ArrayList<>(rows);
        sorted.sort(java.util.Comparator.comparing(Object::toString));
        return sorted;
    }
}
