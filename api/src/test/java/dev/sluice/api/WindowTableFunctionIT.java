package dev.sluice.api;

import static dev.sluice.api.BidsTable.FLUSH;
import static dev.sluice.api.BidsTable.time;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CUMULATE and SESSION window table functions, as Flink writes them, aggregated by window: continuously (a
 * batch per round of input on the real broker, append mode, each window once when the watermark closes it, a
 * crash and restart on the way) and bounded, checked against the windows computed in plain Java over the input.
 */
class WindowTableFunctionIT extends KafkaSessionFixture {
    private static final int ROUNDS = 5;

    /** {auction, price, millis since BASE} of every bid of the rounds. */
    private final List<long[]> bids = new ArrayList<>();
    private final Random random = new Random(3);
    private BidsTable table;

    @BeforeEach
    void createTable() {
        table = new BidsTable(this, "tvfbids", random);
    }

    /** Round {@code r}: 30 bids on auctions 0-3 within its 4 seconds, the later rounds after the earlier. */
    private void round(int r) {
        for (int i = 0; i < 30; i++) {
            long t = r * 4_000L + random.nextInt(4_000);
            long auction = random.nextInt(4);
            long price = 1 + random.nextInt(100);
            bids.add(new long[] {auction, price, t});
            table.produce(auction, price, t);
        }
    }


    private static final String CUMULATE = """
            SELECT STREAM window_start, window_end, auction, COUNT(*) AS bids, SUM(price) AS total
            FROM TABLE(CUMULATE(TABLE bids, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '10' SECOND))
            GROUP BY window_start, window_end, auction""";

    /** Per cumulating window (2 s steps up to 10 s) and auction: the bids and their total. */
    private List<List<Object>> cumulateReference() {
        Map<List<Long>, long[]> windows = new TreeMap<>(java.util.Comparator.<List<Long>>comparingLong(k -> k.get(0))
                .thenComparingLong(k -> k.get(1)).thenComparingLong(k -> k.get(2)));
        for (long[] b : bids) {
            long start = Math.floorDiv(b[2], 10_000) * 10_000;
            for (long end = start + 2_000; end <= start + 10_000; end += 2_000) {
                if (end > b[2]) {
                    long[] agg = windows.computeIfAbsent(List.of(start, end, b[0]), k -> new long[2]);
                    agg[0]++;
                    agg[1] += b[1];
                }
            }
        }
        List<List<Object>> rows = new ArrayList<>();
        windows.forEach((k, agg) -> rows.add(row(time(k.get(0)), time(k.get(1)), k.get(2), agg[0], agg[1])));
        return rows;
    }

    private static final String SESSIONS = """
            SELECT STREAM window_start, window_end, auction, COUNT(*) AS bids, MAX(price) AS top
            FROM TABLE(SESSION(TABLE bids PARTITION BY auction, DESCRIPTOR(ts), INTERVAL '1' SECOND))
            GROUP BY window_start, window_end, auction""";

    /** Per auction, its bids less than 1 s apart form a session: its first time, last time + 1 s, count, max. */
    private List<List<Object>> sessionReference() {
        Map<Long, List<long[]>> perAuction = new TreeMap<>();
        bids.forEach(b -> perAuction.computeIfAbsent(b[0], a -> new ArrayList<>()).add(b));
        List<List<Object>> rows = new ArrayList<>();
        perAuction.forEach((auction, list) -> {
            list.sort(java.util.Comparator.comparingLong(b -> b[2]));
            long start = list.get(0)[2];
            long last = start;
            long count = 0;
            long top = 0;
            for (long[] b : list) {
                if (b[2] - last >= 1_000) {
                    rows.add(row(time(start), time(last + 1_000), auction, count, top));
                    start = b[2];
                    count = 0;
                    top = 0;
                }
                last = b[2];
                count++;
                top = Math.max(top, b[1]);
            }
            rows.add(row(time(start), time(last + 1_000), auction, count, top));
        });
        return rows;
    }

    /**
     * Runs {@code insert} (query {@code name}) once per round, then once more after the flushing bid; its sink
     * crashes once, and the run after the crash restarts from the checkpoint.
     */
    private void runRounds(String name, String insert) throws Exception {
        message("SET trigger = available-now");
        message("SET outputMode = append");
        boolean crashed = false;
        for (int r = 0; r < ROUNDS; r++) {
            round(r);
            crashed |= runRestartingOnce(name, insert);
        }
        table.produce(99, 0, FLUSH);
        crashed |= runRestartingOnce(name, insert);
        assertTrue(crashed, "the sink's injected crash happened and the query recovered from it");
    }

    @Test
    void cumulateWindowsAreEmittedOnceEachWhenTheWatermarkPassesTheirEnd() throws Exception {
        message("CREATE TABLE cum (ws TIMESTAMP, we TIMESTAMP, auction BIGINT, bids BIGINT, total BIGINT) WITH "
                + "('connector'='fail-once-memory', 'fail.batch'='3', 'fail.when'='after-sink')");
        runRounds("cum_q", "INSERT INTO cum " + CUMULATE);
        assertEquals(SqlQueryIT.sorted(cumulateReference()), SqlQueryIT.sorted(rows("SELECT * FROM cum")));
        String plan = message("EXPLAIN " + CUMULATE);
        assertTrue(plan.contains("CumulateWindows(time=ts, step=2000 ms, size=10000 ms"), plan);
        assertTrue(plan.contains("window=cumulating every 2000 ms up to 10000 ms"), plan);
    }

    @Test
    void cumulateWindowsOnABoundedQuery() {
        for (int r = 0; r < ROUNDS; r++) {
            round(r);
        }
        assertEquals(SqlQueryIT.sorted(cumulateReference()), SqlQueryIT.sorted(rows(CUMULATE.replace("STREAM ", ""))));
    }

    @Test
    void sessionWindowsPerPartitionKeyAreEmittedOnceEachWhenTheyClose() throws Exception {
        message("CREATE TABLE sess (ws TIMESTAMP, we TIMESTAMP, auction BIGINT, bids BIGINT, top BIGINT) WITH "
                + "('connector'='fail-once-memory', 'fail.batch'='2', 'fail.when'='before-sink')");
        runRounds("sess_q", "INSERT INTO sess " + SESSIONS);
        List<List<Object>> expected = sessionReference();
        assertTrue(expected.size() > 8, "several sessions per auction: " + expected.size());
        assertEquals(SqlQueryIT.sorted(expected), SqlQueryIT.sorted(rows("SELECT * FROM sess")));
        String plan = message("EXPLAIN " + SESSIONS);
        assertTrue(plan.contains("window=sessions with a 1000 ms gap"), plan);
    }

    @Test
    void sessionWindowsOnABoundedQuery() {
        for (int r = 0; r < ROUNDS; r++) {
            round(r);
        }
        assertEquals(SqlQueryIT.sorted(sessionReference()), SqlQueryIT.sorted(rows(SESSIONS.replace("STREAM ", ""))));
    }

    @Test
    void whatTheWindowFunctionsNeedIsSaid() {
        SluiceException e = assertThrows(SluiceException.class, () -> sluice.execute("SELECT window_start, COUNT(*) FROM "
                + "TABLE(SESSION(TABLE bids PARTITION BY auction, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY "
                + "window_start, window_end"));
        assertTrue(e.getMessage().contains("must group by window_start, window_end and its PARTITION BY columns [auction]"),
                e.getMessage());
        e = assertThrows(SluiceException.class, () -> sluice.execute("SELECT * FROM TABLE(SESSION(TABLE bids PARTITION BY "
                + "auction, DESCRIPTOR(ts), INTERVAL '1' SECOND))"));
        assertTrue(e.getMessage().contains("needs a GROUP BY window_start, window_end"), e.getMessage());
        e = assertThrows(SluiceException.class, () -> sluice.execute("SELECT window_start, COUNT(*) FROM TABLE(CUMULATE("
                + "TABLE bids, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '10' SECOND)) GROUP BY window_start"));
        assertTrue(e.getMessage().contains("must group by both window_start and window_end"), e.getMessage());
        e = assertThrows(SluiceException.class, () -> sluice.execute("SELECT * FROM TABLE(CUMULATE(TABLE bids, "
                + "DESCRIPTOR(ts), INTERVAL '3' SECOND, INTERVAL '10' SECOND))"));
        assertTrue(e.getMessage().contains("step that divides its size"), e.getMessage());
    }
}
