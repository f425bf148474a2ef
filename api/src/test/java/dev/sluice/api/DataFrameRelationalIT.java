package dev.sluice.api;

import static dev.sluice.api.Functions.col;
import static dev.sluice.api.Functions.dense_rank;
import static dev.sluice.api.Functions.desc;
import static dev.sluice.api.Functions.rank;
import static dev.sluice.api.Functions.row_number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The DataFrame API's ordering, deduplication, ranking windows, join types and set operations: each gives the plan
 * of its SQL twin (the same EXPLAIN text), and its rows on the real broker are those computed in plain Java over the
 * input.
 */
class DataFrameRelationalIT extends KafkaSessionFixture {
    private static final long BASE = 1_700_000_000_000L;
    private static final LocalDateTime T0 = LocalDateTime.of(2023, 11, 14, 22, 13, 20);

    /** A bid as produced; bidder is null for some. */
    private record Bid(long auction, long price, String bidder, long millis) {
        LocalDateTime ts() {
            return T0.plusNanos(millis * 1_000_000);
        }
    }

    private final List<Bid> bids = new ArrayList<>();
    private String topic;

    @BeforeEach
    void createTables() {
        topic = SharedKafkaBroker.createTopic("dfrelbids", 2);
        message("CREATE TABLE bids (auction BIGINT, price BIGINT, bidder VARCHAR, ts TIMESTAMP, WATERMARK FOR ts AS ts "
                + "- INTERVAL '1' SECOND) WITH ('connector'='kafka', 'topic'='" + topic + "', 'format'='json')");
        produce(60, new Random(11));
    }

    /** Bids with ties on price, some bidders null; an auction's bids all go to one partition, in order. */
    private void produce(int n, Random random) {
        for (int i = 0; i < n; i++) {
            long auction = random.nextInt(5);
            Bid bid = new Bid(auction, random.nextInt(12), random.nextInt(4) == 0 ? null : "b" + random.nextInt(3),
                    bids.size() * 100L);
            bids.add(bid);
            SharedKafkaBroker.produce(topic, (int) (auction % 2), null, "{\"auction\": " + auction + ", \"price\": "
                    + bid.price() + ", \"bidder\": " + (bid.bidder() == null ? "null" : "\"" + bid.bidder() + "\"")
                    + ", \"ts\": " + (BASE + bid.millis()) + "}");
        }
    }

    private DataFrame bidsDf() {
        return sluice.table("bids").select("auction", "price", "bidder", "ts");
    }

    // ---- orderBy, sort, limit, offset

    /** Sluice's SQL order: NULL is larger than any value (last ascending, first descending) unless said otherwise. */
    private static Comparator<String> nulls(boolean first) {
        return first ? Comparator.nullsFirst(Comparator.<String>naturalOrder())
                : Comparator.nullsLast(Comparator.<String>naturalOrder());
    }

    private static List<List<Object>> rowsOf(List<Bid> bids) {
        List<List<Object>> rows = new ArrayList<>();
        bids.forEach(b -> rows.add(row(b.auction(), b.price(), b.bidder(), b.ts())));
        return rows;
    }

    @Test
    void orderByWithLimitAndOffsetIsTheSqlTwinsTopK() {
        DataFrame df = bidsDf().orderBy(col("price").desc(), col("auction"), col("ts").asc()).offset(3).limit(10);
        String twin = "SELECT auction, price, bidder, ts FROM bids ORDER BY price DESC, auction, ts LIMIT 10 OFFSET 3";
        assertEquals(message("EXPLAIN " + twin), df.explain());
        List<Bid> sorted = new ArrayList<>(bids);
        sorted.sort(Comparator.comparingLong(Bid::price).reversed().thenComparingLong(Bid::auction)
                .thenComparingLong(Bid::millis));
        assertEquals(rowsOf(sorted.subList(3, 13)), df.collect().rows());
        assertEquals(rowsOf(sorted.subList(3, 13)), rows(twin));

        // Spark's order of calls: limit(10).offset(3) is the first 10 rows but 3 (SQL's LIMIT 7 OFFSET 3).
        DataFrame firstTenButThree = bidsDf().sort(desc("price"), col("auction"), col("ts")).limit(10).offset(3);
        assertEquals(message("EXPLAIN SELECT auction, price, bidder, ts FROM bids ORDER BY price DESC, auction, ts "
                + "LIMIT 7 OFFSET 3"), firstTenButThree.explain());
        assertEquals(rowsOf(sorted.subList(3, 10)), firstTenButThree.collect().rows());
        assertEquals(rowsOf(sorted.subList(0, 5)), bidsDf().orderBy(col("price").desc(), col("auction"), col("ts"))
                .limit(5).limit(8).collect().rows());
        assertEquals(bids.size() - 4, bidsDf().offset(4).collect().rows().size());
        // A projection or filter above the sort keeps its order.
        List<List<Object>> prices = new ArrayList<>();
        sorted.stream().filter(b -> b.auction() != 2).forEach(b -> prices.add(row(b.price(), (BASE + b.millis()) % 7)));
        assertEquals(prices, bidsDf().orderBy(col("price").desc(), col("auction"), col("ts")).where(col("auction")
                .notEqual(2)).select(col("price"), col("ts").cast("BIGINT").mod(7)).collect().rows());
    }

    @Test
    void nullsSortAsInSqlUnlessTheOrderSaysWhere() {
        // {DataFrame order, SQL twin's order, bidder comparator}, ties broken by ts.
        record Case(Column order, String sql, Comparator<String> reference) {
        }
        List<Case> cases = List.of(
                new Case(col("bidder"), "bidder", nulls(false)),
                new Case(col("bidder").asc(), "bidder ASC", nulls(false)),
                new Case(col("bidder").desc(), "bidder DESC", nulls(false).reversed()),
                new Case(col("bidder").asc_nulls_first(), "bidder ASC NULLS FIRST", nulls(true)),
                new Case(col("bidder").asc_nulls_last(), "bidder ASC NULLS LAST", nulls(false)),
                new Case(col("bidder").desc_nulls_first(), "bidder DESC NULLS FIRST", nulls(false).reversed()),
                new Case(col("bidder").desc_nulls_last(), "bidder DESC NULLS LAST", nulls(true).reversed()));
        for (Case c : cases) {
            DataFrame df = bidsDf().orderBy(c.order(), col("ts"));
            String twin = "SELECT auction, price, bidder, ts FROM bids ORDER BY " + c.sql() + ", ts";
            assertEquals(message("EXPLAIN " + twin), df.explain(), c.sql());
            List<Bid> sorted = new ArrayList<>(bids);
            sorted.sort(Comparator.comparing(Bid::bidder, c.reference()).thenComparingLong(Bid::millis));
            assertEquals(rowsOf(sorted), df.collect().rows(), c.sql());
        }
        assertTrue(bids.stream().anyMatch(b -> b.bidder() == null), "some bidders are null");
    }

    @Test
    void orderByAndLimitOnAStreamFailAtOnceWithTheSqlTwinsError() {
        DataFrame stream = sluice.readStream().table("bids");
        SluiceException sql = assertThrows(SluiceException.class,
                () -> sluice.execute("SELECT STREAM auction FROM bids ORDER BY price", b -> { }));
        SluiceException df = assertThrows(SluiceException.class, () -> stream.orderBy("price"));
        assertTrue(df.getMessage().contains("ORDER BY is only supported on bounded queries"), df.getMessage());
        assertTrue(sql.getMessage().contains(df.getMessage()), sql.getMessage() + " / " + df.getMessage());
        df = assertThrows(SluiceException.class, () -> stream.limit(3));
        assertTrue(df.getMessage().contains("LIMIT and OFFSET are only supported on bounded queries"), df.getMessage());
        df = assertThrows(SluiceException.class, () -> stream.offset(3));
        assertTrue(df.getMessage().contains("LIMIT and OFFSET are only supported on bounded queries"), df.getMessage());
        df = assertThrows(SluiceException.class, () -> bidsDf().select(col("price").desc()));
        assertTrue(df.getMessage().contains("price DESC is a sort order: use it in orderBy"), df.getMessage());
    }

    // ---- distinct, dropDuplicates

    @Test
    void distinctIsSelectDistinct() {
        DataFrame df = bidsDf().select("auction", "bidder").distinct();
        assertEquals(message("EXPLAIN SELECT DISTINCT auction, bidder FROM bids"), df.explain());
        LinkedHashSet<List<Object>> expected = new LinkedHashSet<>();
        bids.forEach(b -> expected.add(row(b.auction(), b.bidder())));
        assertEquals(SqlQueryIT.sorted(new ArrayList<>(expected)), SqlQueryIT.sorted(df.collect().rows()));
        assertTrue(expected.size() < bids.size(), "there were duplicates");
    }

    /** The first bid of each distinct value of {@code key}, in the order produced. */
    private List<List<Object>> firstPer(java.util.function.Function<Bid, Object> key) {
        Map<Object, Bid> first = new LinkedHashMap<>();
        bids.forEach(b -> first.putIfAbsent(key.apply(b), b));
        return SqlQueryIT.sorted(rowsOf(new ArrayList<>(first.values())));
    }

    private static final String DEDUP_TWIN = "SELECT auction, price, bidder, ts FROM (SELECT auction, price, bidder, "
            + "ts, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY auction) AS rn FROM bids) WHERE rn = 1";

    @Test
    void dropDuplicatesKeepsTheFirstRowPerKeyAsItsTopOneTwin() {
        DataFrame df = bidsDf().dropDuplicates("auction");
        assertEquals(List.of("auction", "price", "bidder", "ts"), df.columns());
        assertEquals(message("EXPLAIN " + DEDUP_TWIN), df.explain());
        assertEquals(firstPer(Bid::auction), SqlQueryIT.sorted(df.collect().rows()));
        assertEquals(firstPer(Bid::auction), SqlQueryIT.sorted(rows(DEDUP_TWIN)));
        // Of all columns: the distinct rows. Bounded, within-watermark is the same (as in Spark).
        DataFrame pairs = bidsDf().select("auction", "bidder");
        List<List<Object>> distinct = SqlQueryIT.sorted(pairs.distinct().collect().rows());
        assertEquals(distinct, SqlQueryIT.sorted(pairs.dropDuplicates().collect().rows()));
        assertEquals(firstPer(Bid::auction), SqlQueryIT.sorted(bidsDf().dropDuplicatesWithinWatermark("auction")
                .collect().rows()));
        // A column called rn is kept, the rank gets another name.
        DataFrame withRn = bidsDf().withColumnRenamed("price", "rn").dropDuplicates("auction");
        assertEquals(List.of("auction", "rn", "bidder", "ts"), withRn.columns());
        assertEquals(firstPer(Bid::auction), SqlQueryIT.sorted(withRn.collect().rows()));
    }

    @Test
    void dropDuplicatesOnAStreamKeepsTheFirstRowPerKeyAcrossBatches() throws Exception {
        message("CREATE TABLE firsts (auction BIGINT, price BIGINT, bidder VARCHAR, ts TIMESTAMP) WITH "
                + "('connector'='memory')");
        message("CREATE TABLE firsts_sql (auction BIGINT, price BIGINT, bidder VARCHAR, ts TIMESTAMP) WITH "
                + "('connector'='memory')");
        DataFrame deduped = sluice.readStream().table("bids").select("auction", "price", "bidder", "ts")
                .dropDuplicates("bidder");
        message("SET trigger = available-now");
        assertEquals(message("EXPLAIN SELECT STREAM auction, price, bidder, ts FROM (SELECT auction, price, bidder, "
                + "ts, ROW_NUMBER() OVER (PARTITION BY bidder ORDER BY bidder) AS rn FROM bids) WHERE rn = 1"),
                deduped.explain());
        StreamingQuery q = deduped.writeStream().trigger("available-now").option("maxOffsetsPerTrigger", "7")
                .queryName("firsts_q").toTable("firsts");
        assertTrue(q.awaitTermination(Duration.ofSeconds(60)));
        assertTrue(q.exception().isEmpty(), () -> q.exception().get().getMessage());
        // More bids, some of new bidders: a later run keeps the first rows from its state.
        produce(20, new Random(12));
        StreamingQuery again = deduped.writeStream().trigger("available-now").option("maxOffsetsPerTrigger", "7")
                .queryName("firsts_q").toTable("firsts");
        assertTrue(again.awaitTermination(Duration.ofSeconds(60)));
        assertTrue(again.exception().isEmpty(), () -> again.exception().get().getMessage());
        assertEquals(firstPerBidderAsEachPartitionOrdersThem(), SqlQueryIT.sorted(rows("SELECT * FROM firsts")));
        runToEnd("INSERT INTO firsts_sql SELECT STREAM auction, price, bidder, ts FROM (SELECT auction, price, "
                + "bidder, ts, ROW_NUMBER() OVER (PARTITION BY bidder ORDER BY bidder) AS rn FROM bids) WHERE rn = 1",
                null);
        assertEquals(rows("SELECT * FROM firsts").size(), rows("SELECT * FROM firsts_sql").size());

        // Keeping the first row per key, the result only inserts (as Flink's keep-first deduplication): an
        // append-only sink (a Kafka topic) takes it, and the client gets rows without a change column.
        assertTrue(deduped.explain().contains("emits each key's first row [changes: append"), deduped.explain());
        String out = SharedKafkaBroker.createTopic("dffirsts", 1);
        message("CREATE TABLE firsts_topic (auction BIGINT, price BIGINT, bidder VARCHAR, ts TIMESTAMP) WITH "
                + "('connector'='kafka', 'topic'='" + out + "', 'format'='json')");
        StreamingQuery toTopic = deduped.writeStream().trigger("available-now").option("maxOffsetsPerTrigger", "7")
                .queryName("firsts_topic_q").toTable("firsts_topic");
        assertTrue(toTopic.awaitTermination(Duration.ofSeconds(60)));
        assertTrue(toTopic.exception().isEmpty(), () -> toTopic.exception().get().getMessage());
        List<ResultBatch> batches = new ArrayList<>();
        StreamingQuery toClient = deduped.writeStream().trigger("available-now").option("maxOffsetsPerTrigger", "7")
                .foreachBatch(batches::add);
        assertTrue(toClient.awaitTermination(Duration.ofSeconds(60)));
        assertTrue(toClient.exception().isEmpty(), () -> toClient.exception().get().getMessage());
        assertTrue(toClient.lastProgress().orElseThrow().batchId() > 1, "several batches");
        assertEquals(List.of("auction", "price", "bidder", "ts"), batches.get(0).columns());
        List<List<Object>> seen = new ArrayList<>();
        batches.forEach(b -> seen.addAll(b.rows()));
        List<List<Object>> firsts = SqlQueryIT.sorted(rows("SELECT * FROM firsts"));
        assertEquals(firsts.size(), seen.size(), "one row per bidder: " + seen);
        assertEquals(firsts.size(), rows("SELECT * FROM firsts_topic").size());

        SluiceException e = assertThrows(SluiceException.class,
                () -> sluice.readStream().table("bids").dropDuplicatesWithinWatermark("bidder"));
        assertTrue(e.getMessage().contains("dropDuplicatesWithinWatermark is not supported on a streaming DataFrame "
                + "yet"), e.getMessage());
    }

    /**
     * A bidder's bids are spread over both partitions, whose batches interleave: the first row per bidder is one of
     * the first of its bids in each partition, the earliest by event time when the two came in one batch. Checked:
     * one row per bidder, and it is the bidder's first bid in one of the partitions.
     */
    private List<List<Object>> firstPerBidderAsEachPartitionOrdersThem() {
        Map<String, List<Bid>> firstInPartition = new TreeMap<>(nulls(true));
        Map<List<Object>, Bid> firsts = new LinkedHashMap<>();
        for (Bid b : bids) {
            firsts.putIfAbsent(java.util.Arrays.asList(b.bidder(), b.auction() % 2), b);
        }
        firsts.values().forEach(b -> firstInPartition.computeIfAbsent(b.bidder(), k -> new ArrayList<>()).add(b));
        List<List<Object>> actual = SqlQueryIT.sorted(rows("SELECT * FROM firsts"));
        assertEquals(firstInPartition.size(), actual.size(), "one row per bidder: " + actual);
        List<List<Object>> expected = new ArrayList<>();
        for (List<Object> r : actual) {
            List<Bid> candidates = firstInPartition.get((String) r.get(2));
            assertTrue(candidates != null && rowsOf(candidates).contains(r), () -> r + " is a first bid of its bidder in "
                    + "a partition: " + candidates);
            expected.add(r);
        }
        return SqlQueryIT.sorted(expected);
    }

    // ---- Window specs and ranking functions

    /** The top {@code n} (auction, price, rank) by price per auction, ranked by {@code function}. */
    private List<List<Object>> topPrices(String function, int n) {
        Map<Long, List<Long>> prices = new TreeMap<>();
        bids.forEach(b -> prices.computeIfAbsent(b.auction(), a -> new ArrayList<>()).add(b.price()));
        List<List<Object>> out = new ArrayList<>();
        prices.forEach((auction, list) -> {
            list.sort(Comparator.reverseOrder());
            long rank = 0;
            long dense = 0;
            for (int i = 0; i < list.size(); i++) {
                boolean tie = i > 0 && list.get(i).equals(list.get(i - 1));
                rank = tie ? rank : i + 1;
                dense += tie ? 0 : 1;
                long r = switch (function) {
                    case "ROW_NUMBER" -> i + 1;
                    case "RANK" -> rank;
                    default -> dense;
                };
                if (r <= n) {
                    out.add(row(auction, list.get(i), r));
                }
            }
        });
        return SqlQueryIT.sorted(out);
    }

    @Test
    void rankingOverAWindowSpecFilteredToTheFirstRanksIsTheSqlTopN() {
        WindowSpec byPrice = Window.partitionBy("auction").orderBy(col("price").desc());
        Map<String, Supplier<Column>> functions = new LinkedHashMap<>();
        functions.put("ROW_NUMBER", Functions::row_number);
        functions.put("RANK", Functions::rank);
        functions.put("DENSE_RANK", Functions::dense_rank);
        functions.forEach((name, function) -> {
            DataFrame df = bidsDf().select("auction", "price").withColumn("rn", function.get().over(byPrice))
                    .where(col("rn").leq(3));
            String twin = "SELECT auction, price, rn FROM (SELECT auction, price, " + name + "() OVER (PARTITION BY "
                    + "auction ORDER BY price DESC) AS rn FROM bids) WHERE rn <= 3";
            assertEquals(message("EXPLAIN " + twin), df.explain(), name);
            assertTrue(df.explain().contains("TopN(" + name + " <= 3, partition=[auction], order=[price DESC"), name);
            assertEquals(topPrices(name, 3), SqlQueryIT.sorted(df.collect().rows()), name);
        });
        SluiceException e = assertThrows(SluiceException.class, () -> bidsDf().withColumn("rn", rank()));
        assertTrue(e.getMessage().contains("rank() needs a window: rank().over(Window.partitionBy(...)"), e.getMessage());
        e = assertThrows(SluiceException.class, () -> bidsDf().withColumn("rn", col("price").over(byPrice)));
        assertTrue(e.getMessage().contains("price is not a ranking function"), e.getMessage());
        // Without a filter on the rank, as in SQL.
        e = assertThrows(SluiceException.class, () -> bidsDf().withColumn("rn", dense_rank().over(byPrice)).collect());
        assertTrue(e.getMessage().contains("needs a filter on it that keeps its first ranks"), e.getMessage());
    }

    @Test
    void aContinuousTopNFromAWindowSpecEmitsTheChangesOfItsSqlTwin() throws Exception {
        DataFrame top2 = sluice.readStream().table("bids")
                .withColumn("rn", row_number().over(Window.partitionBy(col("auction")).orderBy(col("price").desc())))
                .where(col("rn").leq(2))
                .select("auction", "price", "rn");
        assertEquals(message("EXPLAIN SELECT STREAM auction, price, rn FROM (SELECT auction, price, ROW_NUMBER() OVER "
                + "(PARTITION BY auction ORDER BY price DESC) AS rn FROM bids) WHERE rn <= 2"), top2.explain());
        List<List<Object>> changes = new ArrayList<>();
        StreamingQuery q = top2.writeStream().trigger("available-now").option("maxOffsetsPerTrigger", "10")
                .foreachBatch(b -> changes.addAll(b.rows()));
        assertTrue(q.awaitTermination(Duration.ofSeconds(60)));
        assertTrue(q.exception().isEmpty(), () -> q.exception().get().getMessage());
        assertTrue(changes.stream().anyMatch(c -> "-D".equals(c.get(0))), "rows left the tops: " + changes);
        List<List<Object>> table = new ArrayList<>();
        for (List<Object> c : changes) {
            List<Object> r = c.subList(1, c.size());
            if ("+I".equals(c.get(0))) {
                table.add(r);
            } else {
                assertTrue(table.remove(r), () -> "a delete of a row not there: " + r);
            }
        }
        assertEquals(topPrices("ROW_NUMBER", 2), SqlQueryIT.sorted(table));
    }

    // ---- Join types

    private static JoinRelType joinTypeOf(DataFrame df) {
        RelNode rel = df.toRel();
        while (!(rel instanceof Join)) {
            rel = rel.getInput(0);
        }
        return ((Join) rel).getJoinType();
    }

    @Test
    void joinTypesAreSparksNamesAndRefusalsAreTheSqlTwins() {
        DataFrame a = bidsDf().alias("a");
        DataFrame b = bidsDf().where(col("price").gt(8)).alias("b");
        Column on = col("a.auction").equalTo(col("b.auction"));
        // Each of Spark's names (case and underscores as it takes them) and the join type it means.
        String[][] names = {{"inner", "INNER"}, {"left", "LEFT"}, {"LEFT_OUTER", "LEFT"}, {"leftouter", "LEFT"},
            {"right", "RIGHT"}, {"right_outer", "RIGHT"}, {"full", "FULL"}, {"outer", "FULL"}, {"full_outer", "FULL"},
            {"left_semi", "SEMI"}, {"semi", "SEMI"}, {"leftanti", "ANTI"}, {"left_anti", "ANTI"}};
        for (String[] name : names) {
            assertEquals(JoinRelType.valueOf(name[1]), joinTypeOf(a.join(b, on, name[0])), name[0]);
        }
        assertEquals(a.columns(), a.join(b, on, "left_semi").columns(), "a semi join keeps the left side's columns");
        SluiceException e = assertThrows(SluiceException.class, () -> a.join(b, on, "sideways"));
        assertTrue(e.getMessage().contains("Unknown join type 'sideways' (inner, left, right, full, left_semi, "
                + "left_anti)"), e.getMessage());

        // What the engine runs gives the SQL twin's rows; what it refuses, the SQL twin's error.
        String from = "FROM (SELECT auction, price, bidder, ts FROM bids) a %s JOIN (SELECT auction, price, bidder, ts "
                + "FROM bids WHERE price > 8) b ON a.auction = b.auction";
        for (String type : List.of("inner", "left", "right", "full")) {
            String twin = "SELECT * " + String.format(from, type.toUpperCase(java.util.Locale.ROOT));
            DataFrame df = a.join(b, on, type);
            Outcome sql = Outcome.of(() -> rows(twin));
            Outcome frame = Outcome.of(() -> df.collect().rows());
            assertEquals(sql.error(), frame.error(), type);
            if (sql.error() == null) {
                assertEquals(message("EXPLAIN " + twin), df.explain(), type);
                assertEquals(SqlQueryIT.sorted(joined(type)), SqlQueryIT.sorted(frame.rows()), type);
            }
        }
        // Semi and anti joins: the rows of a with (without) a bid above 8 in the same auction, or the join type named.
        for (String type : List.of("left_semi", "left_anti")) {
            Outcome frame = Outcome.of(() -> a.join(b, on, type).collect().rows());
            boolean semi = type.equals("left_semi");
            if (frame.error() == null) {
                List<List<Object>> expected = new ArrayList<>();
                for (Bid x : bids) {
                    boolean matched = bids.stream().anyMatch(y -> y.price() > 8 && y.auction() == x.auction());
                    if (matched == semi) {
                        expected.add(row(x.auction(), x.price(), x.bidder(), x.ts()));
                    }
                }
                assertEquals(SqlQueryIT.sorted(expected), SqlQueryIT.sorted(frame.rows()), type);
            } else {
                assertTrue(frame.error().contains((semi ? "SEMI" : "ANTI") + " JOIN"), frame.error());
            }
        }
    }

    /** The rows or the error message of a statement. */
    private record Outcome(List<List<Object>> rows, String error) {
        static Outcome of(Supplier<List<List<Object>>> run) {
            try {
                return new Outcome(run.get(), null);
            } catch (SluiceException e) {
                return new Outcome(null, e.getMessage());
            }
        }
    }

    /** A join of the bids with those above 8 on the auction, in plain Java. */
    private List<List<Object>> joined(String type) {
        List<Bid> right = bids.stream().filter(b -> b.price() > 8).toList();
        List<List<Object>> out = new ArrayList<>();
        for (Bid x : bids) {
            boolean matched = false;
            for (Bid y : right) {
                if (x.auction() == y.auction()) {
                    matched = true;
                    out.add(row(x.auction(), x.price(), x.bidder(), x.ts(), y.auction(), y.price(), y.bidder(), y.ts()));
                }
            }
            if (!matched && (type.equals("left") || type.equals("full"))) {
                out.add(row(x.auction(), x.price(), x.bidder(), x.ts(), null, null, null, null));
            }
        }
        for (Bid y : right) {
            if ((type.equals("right") || type.equals("full")) && bids.stream().noneMatch(x -> x.auction() == y.auction())) {
                out.add(row(null, null, null, null, y.auction(), y.price(), y.bidder(), y.ts()));
            }
        }
        return out;
    }

    // ---- Set operations

    @Test
    void setOperationsAreTheSqlTwins() {
        DataFrame cheap = bidsDf().where(col("price").lt(6)).select("auction", "bidder");
        DataFrame dear = bidsDf().where(col("price").geq(4)).select("auction", "bidder");
        String cheapSql = "SELECT auction, bidder FROM bids WHERE price < 6";
        String dearSql = "SELECT auction, bidder FROM bids WHERE price >= 4";
        LinkedHashSet<List<Object>> c = new LinkedHashSet<>();
        LinkedHashSet<List<Object>> d = new LinkedHashSet<>();
        bids.forEach(b -> (b.price() < 6 ? c : new LinkedHashSet<List<Object>>()).add(row(b.auction(), b.bidder())));
        bids.forEach(b -> (b.price() >= 4 ? d : new LinkedHashSet<List<Object>>()).add(row(b.auction(), b.bidder())));
        LinkedHashSet<List<Object>> union = new LinkedHashSet<>(c);
        union.addAll(d);
        LinkedHashSet<List<Object>> both = new LinkedHashSet<>(c);
        both.retainAll(d);
        LinkedHashSet<List<Object>> onlyCheap = new LinkedHashSet<>(c);
        onlyCheap.removeAll(d);
        assertTrue(!both.isEmpty() && !onlyCheap.isEmpty() && both.stream().anyMatch(r -> r.get(1) == null),
                "the data has rows in each, NULLs among them");

        record Case(DataFrame df, String sql, LinkedHashSet<List<Object>> expected) {
        }
        for (Case k : List.of(
                new Case(cheap.union(dear).distinct(), cheapSql + " UNION " + dearSql, union),
                new Case(cheap.intersect(dear), cheapSql + " INTERSECT " + dearSql, both),
                new Case(cheap.except(dear), cheapSql + " EXCEPT " + dearSql, onlyCheap))) {
            assertEquals(message("EXPLAIN " + k.sql()), k.df().explain(), k.sql());
            List<List<Object>> expected = SqlQueryIT.sorted(new ArrayList<>(k.expected()));
            assertEquals(expected, SqlQueryIT.sorted(k.df().collect().rows()), k.sql());
            assertEquals(expected, SqlQueryIT.sorted(rows(k.sql())), k.sql());
        }
        assertEquals(cheap.union(dear).collect().rows().size(), cheap.unionAll(dear).collect().rows().size());
        assertEquals(bids.stream().filter(b -> b.price() < 6).count() + bids.stream().filter(b -> b.price() >= 4).count(),
                cheap.unionAll(dear).collect().rows().size());

        // The ALL forms are refused as in SQL.
        for (String all : List.of("INTERSECT", "EXCEPT")) {
            SluiceException sql = assertThrows(SluiceException.class, () -> rows(cheapSql + " " + all + " ALL " + dearSql));
            SluiceException df = assertThrows(SluiceException.class, () -> (all.equals("EXCEPT") ? cheap.exceptAll(dear)
                    : cheap.intersectAll(dear)).collect());
            assertEquals(sql.getMessage(), df.getMessage());
            assertTrue(df.getMessage().contains(all + " ALL is not supported yet; " + all + " (distinct) is"),
                    df.getMessage());
        }
        SluiceException e = assertThrows(SluiceException.class, () -> cheap.intersect(bidsDf()));
        assertTrue(e.getMessage().contains("the same number of columns on both sides"), e.getMessage());
    }

    @Test
    void streamingSetOperationsAndTheirLimits() throws Exception {
        DataFrame cheap = sluice.readStream().table("bids").where(col("price").lt(6)).select("auction", "bidder");
        DataFrame dear = sluice.readStream().table("bids").where(col("price").geq(4)).select("auction", "bidder");
        List<List<Object>> changes = new ArrayList<>();
        StreamingQuery q = cheap.intersect(dear).writeStream().trigger("available-now")
                .option("maxOffsetsPerTrigger", "10").foreachBatch(b -> changes.addAll(b.rows()));
        assertTrue(q.awaitTermination(Duration.ofSeconds(60)));
        assertTrue(q.exception().isEmpty(), () -> q.exception().get().getMessage());
        LinkedHashSet<List<Object>> c = new LinkedHashSet<>();
        LinkedHashSet<List<Object>> both = new LinkedHashSet<>();
        bids.stream().filter(b -> b.price() < 6).forEach(b -> c.add(row(b.auction(), b.bidder())));
        bids.stream().filter(b -> b.price() >= 4).map(b -> row(b.auction(), b.bidder())).filter(c::contains)
                .forEach(both::add);
        // Upserts by the row itself: the distinct rows seen are the intersection.
        assertEquals(SqlQueryIT.sorted(new ArrayList<>(both)), SqlQueryIT.sorted(new ArrayList<>(
                new LinkedHashSet<>(changes))));

        SluiceException sql = assertThrows(SluiceException.class, () -> sluice.execute(
                "SELECT STREAM auction FROM bids EXCEPT SELECT auction FROM bids WHERE price > 3", b -> { }));
        SluiceException df = assertThrows(SluiceException.class, () -> cheap.except(dear).writeStream()
                .foreachBatch(b -> { }));
        assertTrue(df.getMessage().contains("EXCEPT is only supported on bounded queries"), df.getMessage());
        assertTrue(sql.getMessage().contains("EXCEPT is only supported on bounded queries"), sql.getMessage());
    }
}
