package dev.sluice.api;

import static dev.sluice.api.BidsTable.FLUSH;
import static dev.sluice.api.BidsTable.time;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Window Top-N and window deduplication over a window table function's rows, as Flink runs them: each window's
 * top emitted once, as inserts, when the watermark passes the window's end, and the window then leaves the state.
 * Continuously (a batch per round on the real broker, a crash and restart on the way) and bounded, checked against
 * the tops computed in plain Java over the input.
 */
class WindowTopNIT extends KafkaSessionFixture {
    private static final int ROUNDS = 6;

    /** {auction, price, millis since BASE} of every bid of the rounds; times are distinct. */
    private final List<long[]> bids = new ArrayList<>();
    private final Random random = new Random(13);
    private BidsTable table;

    @BeforeEach
    void createTable() {
        table = new BidsTable(this, "wtopn", random);
    }

    private void round(int r) {
        for (int i = 0; i < 40; i++) {
            long t = r * 4_000L + i * 100 + random.nextInt(100);
            long auction = random.nextInt(5);
            long price = random.nextInt(40);
            bids.add(new long[] {auction, price, t});
            table.produce(auction, price, t);
        }
    }


    private static final String TOP3 = """
            SELECT STREAM window_start, window_end, auction, price, ts, rn FROM (
              SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY price DESC, ts) AS rn
              FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND)))
            WHERE rn <= 3""";

    private static final String LAST_PER_AUCTION = """
            SELECT STREAM window_start, window_end, auction, price, ts FROM (
              SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, auction ORDER BY ts DESC) AS rn
              FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND)))
            WHERE rn = 1""";

    /** Per 10 s window (and partition key): its bids sorted by {@code order}, the first {@code n} as rows. */
    private List<List<Object>> reference(Function<long[], Long> key, Comparator<long[]> order, int n, boolean rank) {
        Map<List<Long>, List<long[]>> groups = new TreeMap<>(Comparator.<List<Long>>comparingLong(k -> k.get(0))
                .thenComparingLong(k -> k.get(1)));
        bids.forEach(b -> groups.computeIfAbsent(List.of(b[2] / 10_000 * 10_000, key.apply(b)), k -> new ArrayList<>())
                .add(b));
        List<List<Object>> rows = new ArrayList<>();
        groups.forEach((k, list) -> {
            list.sort(order);
            for (int i = 0; i < Math.min(n, list.size()); i++) {
                long[] b = list.get(i);
                List<Object> r = new ArrayList<>(row(time(k.get(0)), time(k.get(0) + 10_000), b[0], b[1], time(b[2])));
                if (rank) {
                    r.add((long) i + 1);
                }
                rows.add(r);
            }
        });
        return rows;
    }

    private List<List<Object>> top3() {
        return reference(b -> 0L, Comparator.<long[]>comparingLong(b -> -b[1]).thenComparingLong(b -> b[2]), 3, true);
    }

    private List<List<Object>> lastPerAuction() {
        return reference(b -> b[0], Comparator.<long[]>comparingLong(b -> -b[2]), 1, false);
    }

    /**
     * Runs {@code insert} once per round and once after a bid far ahead that closes every window; the sink crashes
     * once. Returns the state rows the last run's progress reports.
     */
    private long runRounds(String name, String insert) throws Exception {
        message("SET trigger = available-now");
        boolean crashed = false;
        for (int r = 0; r < ROUNDS; r++) {
            round(r);
            crashed |= runRestartingOnce(name, insert);
        }
        table.produce(99, 0, FLUSH);
        crashed |= runRestartingOnce(name, insert);
        assertTrue(crashed, "the sink's injected crash happened and the query recovered from it");
        message("SET query.name = " + name);
        return ((StatementResult.Query) sluice.execute(insert)).query().lastProgress()
                .map(QueryProgress::stateRows).orElse(-1L);
    }

    @Test
    void aTop3PerWindowIsEmittedOnceWhenTheWindowClosesAndLeavesTheState() throws Exception {
        message("CREATE TABLE top3 (ws TIMESTAMP, we TIMESTAMP, auction BIGINT, price BIGINT, ts TIMESTAMP, rn BIGINT) "
                + "WITH ('connector'='fail-once-memory', 'fail.batch'='3', 'fail.when'='after-sink')");
        runRounds("top3_q", "INSERT INTO top3 " + TOP3);
        assertEquals(SqlQueryIT.sorted(top3()), SqlQueryIT.sorted(rows("SELECT * FROM top3")));
        String plan = message("EXPLAIN " + TOP3);
        assertTrue(plan.contains("WindowTopN(ROW_NUMBER <= 3, partition=[window_start, window_end]"), plan);
        assertTrue(plan.contains("emits each window's top once, when the watermark passes its end [changes: append"),
                plan);
    }

    @Test
    void aWindowDeduplicationKeepsTheLastRowPerWindowAndKey() throws Exception {
        message("CREATE TABLE lastbid (ws TIMESTAMP, we TIMESTAMP, auction BIGINT, price BIGINT, ts TIMESTAMP) "
                + "WITH ('connector'='fail-once-memory', 'fail.batch'='2', 'fail.when'='before-sink')");
        runRounds("last_q", "INSERT INTO lastbid " + LAST_PER_AUCTION);
        assertEquals(SqlQueryIT.sorted(lastPerAuction()), SqlQueryIT.sorted(rows("SELECT * FROM lastbid")));
        String plan = message("EXPLAIN " + LAST_PER_AUCTION);
        assertTrue(plan.contains("WindowDeduplicate(keep last row, partition=[auction, window_start, window_end]"), plan);
    }

    @Test
    void closedWindowsLeaveTheState() throws Exception {
        message("SET trigger = available-now");
        message("CREATE TABLE top3 (ws TIMESTAMP, we TIMESTAMP, auction BIGINT, price BIGINT, ts TIMESTAMP, rn BIGINT) "
                + "WITH ('connector'='memory')");
        long open = 0;
        for (int r = 0; r < ROUNDS; r++) {
            round(r);
            StreamingQuery q = runNamed("state_q", "INSERT INTO top3 " + TOP3);
            assertTrue(q.exception().isEmpty(), () -> "" + q.exception());
            open = Math.max(open, q.lastProgress().orElseThrow().stateRows());
        }
        assertTrue(open >= 1 && open <= 2, "at most the windows the watermark has not closed: " + open);
        table.produce(99, 0, FLUSH);
        StreamingQuery q = runNamed("state_q", "INSERT INTO top3 " + TOP3);
        assertEquals(1, q.lastProgress().orElseThrow().stateRows(), "only the flushing bid's window is left");
        assertEquals(SqlQueryIT.sorted(top3()), SqlQueryIT.sorted(rows("SELECT * FROM top3")));
    }

    @Test
    void theSameQueriesBounded() {
        for (int r = 0; r < ROUNDS; r++) {
            round(r);
        }
        assertEquals(SqlQueryIT.sorted(top3()), SqlQueryIT.sorted(rows(TOP3.replace("STREAM ", ""))));
        assertEquals(SqlQueryIT.sorted(lastPerAuction()),
                SqlQueryIT.sorted(rows(LAST_PER_AUCTION.replace("STREAM ", ""))));
    }
}
