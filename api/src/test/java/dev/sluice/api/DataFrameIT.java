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
class DataFrameIT extends KafkaSessionFixture {
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

    @Test
    void streamingWindowedAggregateWritesWhatItsSqlTwinWrites() throws Exception {
        message("CREATE TABLE df_counts (window_start TIMESTAMP, window_end TIMESTAMP, page VARCHAR, n BIGINT, "
                + "total DOUBLE) WITH ('connector'='memory')");
        message("CREATE TABLE sql_counts (window_start TIMESTAMP, window_end TIMESTAMP, page VARCHAR, n BIGINT, "
                + "total DOUBLE) WITH ('connector'='memory')");
        StreamingQuery q = windowed(sluice.readStream().table("clicks")).writeStream()
                .outputMode("complete").trigger("available-now").queryName("df_windowed").toTable("df_counts");
        assertTrue(q.awaitTermination(Duration.ofSeconds(60)));
        assertTrue(q.exception().isEmpty(), () -> q.exception().get().getMessage());
        assertEquals("df_windowed", q.name());
        assertEquals(3, q.lastProgress().orElseThrow().outputRows());

        message("SET outputMode = complete");
        message("SET trigger = available-now");
        runToEnd("INSERT INTO sql_counts SELECT STREAM" + WINDOWED_SQL.substring("SELECT".length()), null);
        List<List<Object>> fromSql = sortedByText(rows("SELECT * FROM sql_counts"));
        assertEquals(3, fromSql.size());
        assertEquals(fromSql, sortedByText(rows("SELECT * FROM df_counts")));
    }

    @Test
    void columnOperationsGiveExactValuesAndTheSqlPlan() {
        DataFrame df = sluice.table("clicks")
                .where(col("page").equalTo("/b").or(col("amount").geq(4)))
                .withColumn("doubled", col("amount").multiply(2))
                .withColumnRenamed("user_id", "uid")
                .drop("ts", "no_such_column")
                .select(col("uid"), upper(col("page")).as("p"), col("doubled"), col("uid").mod(2).as("m"));
        assertEquals(List.of("uid", "p", "doubled", "m"), df.columns());
        // A DOUBLE remainder stays a DOUBLE (Calcite alone types it as its INTEGER divisor, truncating it).
        List<List<Object>> expected = List.of(row(0.0), row(0.5), row(2.0), row(2.0), row(3.0));
        assertEquals(expected, sortedByText(sluice.table("clicks").select(col("amount").mod(4).as("r")).collect().rows()));
        assertEquals(expected, sortedByText(rows("SELECT amount % 4 FROM clicks")));
        assertEquals(List.of(row(1L, "/B", 1.0, 1L), row(1L, "/B", 12.0, 1L), row(3L, "/A", 8.0, 1L)),
                sortedByText(df.collect().rows()));
        assertEquals(message("EXPLAIN SELECT user_id AS uid, UPPER(page) AS p, amount * 2 AS doubled, "
                + "MOD(user_id, 2) AS m FROM clicks WHERE page = '/b' OR amount >= 4"), df.explain());
    }

    @Test
    void aggregatesWithoutKeysAndLimitAndUnion() {
        DataFrame clicks = sluice.table("clicks");
        assertEquals(List.of(row(5L, 3L, 6.0)),
                clicks.select(count("*"), countDistinct("user_id"), max("amount")).collect().rows());
        assertEquals(List.of("count", "count_distinct_user_id", "max_amount"),
                clicks.select(count("*"), countDistinct("user_id"), max("amount")).columns());
        assertEquals(List.of(row("/b", 2L)), clicks.groupBy("page").count().where(col("page").equalTo("/b"))
                .collect().rows());
        DataFrame both = clicks.select("page").union(clicks.where(col("amount").lt(1)).select("page"));
        assertEquals(6, both.collect().rows().size());
        assertEquals(2, clicks.limit(2).collect().rows().size());
    }

    @Test
    void sqlGivesADataFrameThatCanBeRefinedAndStreamed() throws Exception {
        DataFrame big = sluice.sql("SELECT STREAM page, amount FROM clicks").where(col("amount").gt(lit(3)));
        assertTrue(big.isStreaming());
        List<List<Object>> seen = new ArrayList<>();
        StreamingQuery q = big.writeStream().trigger("available-now").foreachBatch(b -> seen.addAll(b.rows()));
        assertTrue(q.awaitTermination(Duration.ofSeconds(60)));
        assertEquals(List.of(row("/a", 4.0), row("/b", 6.0)), sortedByText(seen));

        DataFrame bounded = sluice.sql("SELECT page FROM clicks WHERE amount < 1");
        assertFalse(bounded.isStreaming());
        assertEquals(List.of(row("/b")), bounded.collect().rows());
    }

    @Test
    void aTopicCanBeReadWithoutACatalogTable() throws Exception {
        String schema = "ts TIMESTAMP, page VARCHAR, WATERMARK FOR ts AS ts - INTERVAL '5' SECOND";
        assertEquals(List.of(row("/a", 3L), row("/b", 2L)), sortedByText(sluice.read().schema(schema).kafka(topic)
                .groupBy("page").count().collect().rows()));

        List<List<Object>> seen = new ArrayList<>();
        StreamingQuery q = sluice.readStream().schema(schema).kafka(topic)
                .groupBy(window(col("ts"), "1 minute")).agg(count("*").as("n"))
                .writeStream().trigger("once").foreachBatch(b -> seen.addAll(b.rows()));
        assertTrue(q.awaitTermination(Duration.ofSeconds(60)));
        assertEquals(List.of(row(LocalDateTime.of(2023, 11, 14, 22, 13), LocalDateTime.of(2023, 11, 14, 22, 14), 5L)),
                seen);
        assertFalse(rows("SHOW TABLES").stream().anyMatch(r -> r.get(0).equals(topic)),
                "a DataFrame's own table stays out of the catalog");
    }

    @Test
    void mistakesFailAtOnceNamingWhatIsWrong() {
        DataFrame clicks = sluice.table("clicks");
        SluiceException e = assertThrows(SluiceException.class, () -> clicks.select(col("pgae")));
        assertTrue(e.getMessage().contains("Column 'pgae' does not exist; the columns are [ts, user_id, page, amount"),
                e.getMessage());
        e = assertThrows(SluiceException.class, () -> clicks.writeStream());
        assertTrue(e.getMessage().contains("writeStream() needs a streaming DataFrame"), e.getMessage());
        e = assertThrows(SluiceException.class, () -> sluice.readStream().table("clicks").collect());
        assertTrue(e.getMessage().contains("use writeStream()") || e.getMessage().contains("start it with"),
                e.getMessage());
        e = assertThrows(SluiceException.class, () -> sluice.table("nope"));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
        e = assertThrows(SluiceException.class, () -> clicks.groupBy("page").agg(col("amount")));
        assertTrue(e.getMessage().contains("not an aggregate"), e.getMessage());
        e = assertThrows(SluiceException.class, () -> window(col("ts"), "10 fortnights"));
        assertTrue(e.getMessage().contains("Invalid window duration '10 fortnights'"), e.getMessage());
        e = assertThrows(SluiceException.class, () -> sluice.sql("SELECT pgae FROM clicks"));
        assertTrue(e.getMessage().contains("line 1, column 8") && e.getMessage().contains("pgae"), e.getMessage());

        DataFrame joined = clicks.alias("a").join(clicks.alias("b"), col("a.user_id").equalTo(col("b.user_id")));
        assertEquals(2 * clicks.columns().size(), joined.columns().size());
        e = assertThrows(SluiceException.class, () -> clicks.alias("a").join(clicks.alias("b"),
                col("user_id").equalTo(col("b.user_id"))));
        assertTrue(e.getMessage().contains("Column 'user_id' is ambiguous"), e.getMessage());
        // A bounded join runs: user 1 clicked three times (3 x 3 pairs), users 2 and 3 once each.
        assertEquals(11, joined.collect().rows().size());
        e = assertThrows(SluiceException.class, () -> sluice.readStream().table("clicks").alias("a")
                .join(sluice.readStream().table("clicks").alias("b"), col("a.user_id").equalTo(col("b.user_id")))
                .writeStream().foreachBatch(b -> { }));
        assertTrue(e.getMessage().contains("A join of two streams ([clicks] and [clicks]) needs a bound between their "
                + "event times"), e.getMessage());
    }

    private static List<List<Object>> sortedByText(List<List<Object>> rows) {
        List<List<Object>> sorted = new ArrayList<>(rows);
        sorted.sort(java.util.Comparator.comparing(Object::toString));
        return sorted;
    }
}
