package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OVER aggregations ({@code agg(x) OVER (PARTITION BY .. ORDER BY ts RANGE|ROWS BETWEEN .. PRECEDING AND CURRENT
 * ROW)}), bounded and continuous, checked against each row's frame computed in plain Java.
 */
class OverAggregateIT extends KafkaSessionFixture {
    private static final long BASE = 1_700_000_000_000L;
    private static final LocalDateTime T0 = LocalDateTime.of(2023, 11, 14, 22, 13, 20);
    private static final int ROUNDS = 6;
    private static final String WINDOW = "WINDOW w AS (PARTITION BY auction ORDER BY ts RANGE BETWEEN INTERVAL '5' "
            + "SECOND PRECEDING AND CURRENT ROW)";
    private static final String RANGE_QUERY = "SELECT auction, ts, price, SUM(price) OVER w AS s, COUNT(*) OVER w AS n, "
            + "MAX(price) OVER w AS hi FROM bids " + WINDOW;

    /** {auction, price, millis since BASE}: every time distinct, so the order within a partition is the time's. */
    private final List<long[]> bids = new ArrayList<>();
    private String topic;

    @BeforeEach
    void createTable() {
        topic = SharedKafkaBroker.createTopic("overbids", 2);
        message("CREATE TABLE bids (auction BIGINT, price BIGINT, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '1' "
                + "SECOND) WITH ('connector'='kafka', 'topic'='" + topic + "', 'format'='json')");
    }

    /** Round r: 30 bids at distinct times in [r * 3 s, r * 3 s + 3 s), none behind the watermark of their batch. */
    private void round(int r, Random random) {
        List<Integer> slots = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            slots.add(i);
        }
        Collections.shuffle(slots, random);
        for (int i = 0; i < 30; i++) {
            long t = r * 3000L + slots.get(i);
            long auction = random.nextInt(3);
            long price = random.nextInt(100);
            bids.add(new long[] {auction, price, t});
            produce(random.nextInt(2), auction, price, t);
        }
    }

    private void produce(int partition, long auction, long price, long t) {
        SharedKafkaBroker.produce(topic, partition, null, "{\"auction\": " + auction + ", \"price\": " + price
                + ", \"ts\": " + (BASE + t) + "}");
    }

    /** Each bid with the sum, count and max of its auction's prices over {@code [t - 5 s, t]}. */
    private List<List<Object>> rangeReference() {
        List<List<Object>> out = new ArrayList<>();
        for (long[] b : bids) {
            long sum = 0;
            long n = 0;
            long hi = Long.MIN_VALUE;
            for (long[] o : bids) {
                if (o[0] == b[0] && o[2] <= b[2] && o[2] >= b[2] - 5_000) {
                    sum += o[1];
                    n++;
                    hi = Math.max(hi, o[1]);
                }
            }
            out.add(row(b[0], T0.plusNanos(b[2] * 1_000_000), b[1], sum, n, hi));
        }
        return SqlQueryIT.sorted(out);
    }

    @Test
    void rangeAndRowsFramesOnABoundedQuery() {
        Random random = new Random(3);
        for (int r = 0; r < ROUNDS; r++) {
            round(r, random);
        }
        assertEquals(rangeReference(), SqlQueryIT.sorted(rows(RANGE_QUERY)));
        // ROWS: the bid and the two before it in its auction.
        List<List<Object>> expected = new ArrayList<>();
        for (long[] b : bids) {
            List<long[]> earlier = new ArrayList<>(bids.stream().filter(o -> o[0] == b[0] && o[2] <= b[2]).toList());
            earlier.sort((x, y) -> Long.compare(x[2], y[2]));
            long min = earlier.subList(Math.max(0, earlier.size() - 3), earlier.size()).stream()
                    .mapToLong(o -> o[1]).min().orElseThrow();
            expected.add(row(b[0], T0.plusNanos(b[2] * 1_000_000), min));
        }
        assertEquals(SqlQueryIT.sorted(expected), SqlQueryIT.sorted(rows("SELECT auction, ts, MIN(price) OVER "
                + "(PARTITION BY auction ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM bids")));
    }

    @Test
    void aContinuousOverAggregationEmitsEveryRowOnceWhenTheWatermarkPassesIt() throws Exception {
        message("CREATE TABLE windowed (auction BIGINT, ts TIMESTAMP, price BIGINT, s BIGINT, n BIGINT, hi BIGINT) "
                + "WITH ('connector'='memory')");
        message("SET trigger = available-now");
        String insert = "INSERT INTO windowed " + RANGE_QUERY.replace("SELECT", "SELECT STREAM");
        Random random = new Random(3);
        long stateRows = 0;
        for (int r = 0; r < ROUNDS; r++) {
            round(r, random);
            StreamingQuery q = runNamed("over_q", insert);
            assertTrue(q.exception().isEmpty(), () -> q.exception().get().getMessage());
            stateRows = q.lastProgress().map(QueryProgress::stateRows).orElse(stateRows);
            assertEquals(0, q.lastProgress().orElseThrow().lateRows());
        }
        assertTrue(stateRows > 0 && stateRows <= 3, "one state row per auction, its recent bids: " + stateRows);
        // A bid far ahead on each partition moves the watermark past every bid above (it is not in the result).
        produce(0, 99, 0, 1_000_000);
        produce(1, 99, 0, 1_000_001);
        assertTrue(runNamed("over_q", insert).exception().isEmpty());
        assertEquals(rangeReference(), SqlQueryIT.sorted(rows("SELECT * FROM windowed")));
        String plan = message("EXPLAIN " + insert);
        assertTrue(plan.contains("each row emitted once the watermark passes its time"), plan);
        assertTrue(plan.contains("/state/over"), plan);
    }

    @Test
    void anUnboundedFrameOnAStreamIsRefused() {
        SluiceException e = assertThrows(SluiceException.class, () -> sluice.execute("SELECT STREAM auction, SUM(price) "
                + "OVER (PARTITION BY auction ORDER BY ts) FROM bids", b -> { }));
        assertTrue(e.getMessage().contains("needs a bounded frame"), e.getMessage());
    }
}
