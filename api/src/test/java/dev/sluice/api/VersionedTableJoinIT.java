package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A table with a {@code PRIMARY KEY} joins as its latest row per key (a versioned table): a stream joined with
 * it meets each key's latest version read so far (a temporal join), a static one joins its latest rows only.
 */
class VersionedTableJoinIT extends KafkaSessionFixture {
    private static final int ROUNDS = 4;

    private record Bid(long auction, long price) {
    }

    private String bidTopic;
    private String auctionTopic;
    /** Per round: the auctions' new versions (id, seller), then the bids. */
    private final List<Map<Long, String>> versionsPerRound = new ArrayList<>();
    private final List<List<Bid>> bidsPerRound = new ArrayList<>();

    @BeforeEach
    void createTables() {
        bidTopic = SharedKafkaBroker.createTopic("vtbids", 1);
        auctionTopic = SharedKafkaBroker.createTopic("vtauctions", 1);
        message("CREATE TABLE bids (auction BIGINT, price BIGINT) WITH ('connector'='kafka', 'topic'='" + bidTopic
                + "', 'format'='json')");
        message("CREATE TABLE auctions (id BIGINT, seller VARCHAR, PRIMARY KEY (id) NOT ENFORCED) WITH ("
                + "'connector'='kafka', 'topic'='" + auctionTopic + "', 'format'='json')");
        message("SET trigger = available-now");
    }

    /** A round: a few auctions get a new seller (a new version), then bids come for any auction, known or not. */
    private void round(Random random) {
        Map<Long, String> versions = new LinkedHashMap<>();
        for (int n = 0; n < 3; n++) {
            long id = 1 + random.nextInt(5);
            String seller = "s" + random.nextInt(100);
            versions.put(id, seller);  // the last version of the round wins
            SharedKafkaBroker.produce(auctionTopic, 0, null, "{\"id\": " + id + ", \"seller\": \"" + seller + "\"}");
        }
        List<Bid> bids = new ArrayList<>();
        for (int n = 0; n < 5; n++) {
            Bid bid = new Bid(1 + random.nextInt(6), random.nextInt(1000));
            bids.add(bid);
            SharedKafkaBroker.produce(bidTopic, 0, null, "{\"auction\": " + bid.auction() + ", \"price\": "
                    + bid.price() + "}");
        }
        versionsPerRound.add(versions);
        bidsPerRound.add(bids);
    }

    /** Each round's bids with their auction's latest seller as of that round (its own versions included). */
    private List<List<Object>> reference(boolean left) {
        Map<Long, String> latest = new LinkedHashMap<>();
        List<List<Object>> out = new ArrayList<>();
        for (int r = 0; r < bidsPerRound.size(); r++) {
            latest.putAll(versionsPerRound.get(r));
            for (Bid bid : bidsPerRound.get(r)) {
                String seller = latest.get(bid.auction());
                if (seller != null) {
                    out.add(row(bid.auction(), bid.price(), bid.auction(), seller));
                } else if (left) {
                    out.add(row(bid.auction(), bid.price(), null, null));
                }
            }
        }
        return SqlQueryIT.sorted(out);
    }

    private static String join(String type) {
        return "SELECT STREAM b.auction, b.price, a.id, a.seller FROM bids b " + type
                + " JOIN auctions a ON b.auction = a.id";
    }

    @Test
    void aStreamMeetsEachKeysLatestVersionAndTheStateKeepsOneRowPerKey() throws Exception {
        for (String type : List.of("INNER", "LEFT")) {
            message("CREATE TABLE out_" + type + " (auction BIGINT, price BIGINT, id BIGINT, seller VARCHAR) "
                    + "WITH ('connector'='memory')");
        }
        Random random = new Random(53);
        long stateRows = -1;
        for (int r = 0; r < ROUNDS; r++) {
            round(random);
            for (String type : List.of("INNER", "LEFT")) {
                StreamingQuery q = runNamed("temporal_" + type, "INSERT INTO out_" + type + " " + join(type));
                assertTrue(q.exception().isEmpty(), () -> q.exception().get().getMessage());
                stateRows = q.lastProgress().orElseThrow().stateRows();
            }
        }
        assertEquals(reference(false), SqlQueryIT.sorted(rows("SELECT * FROM out_INNER")));
        assertEquals(reference(true), SqlQueryIT.sorted(rows("SELECT * FROM out_LEFT")));
        long keys = versionsPerRound.stream().flatMap(v -> v.keySet().stream()).distinct().count();
        assertEquals(keys, stateRows, "one state row per auction, not per version (" + ROUNDS * 3 + " written)");
        String plan = message("EXPLAIN INSERT INTO out_LEFT " + join("LEFT"));
        assertTrue(plan.contains("TemporalJoin(LEFT, keys=[auction = id], each stream row meets the latest row per "
                + "[id] of the versioned side read so far) [changes: append; state: "), plan);
    }

    @Test
    void aTemporalJoinRecoversFromACrashToTheUninterruptedResult() throws Exception {
        message("CREATE TABLE vt_crash_after (auction BIGINT, price BIGINT, id BIGINT, seller VARCHAR) WITH ("
                + "'connector'='fail-once-memory', 'fail.batch'='1', 'fail.when'='after-sink')");
        message("CREATE TABLE vt_crash_before (auction BIGINT, price BIGINT, id BIGINT, seller VARCHAR) WITH ("
                + "'connector'='fail-once-memory', 'fail.batch'='2', 'fail.when'='before-sink')");
        Random random = new Random(59);
        int crashes = 0;
        for (int r = 0; r < ROUNDS; r++) {
            round(random);
            for (String table : List.of("vt_crash_after", "vt_crash_before")) {
                String insert = "INSERT INTO " + table + " " + join("LEFT");
                crashes += runRestartingOnce(table + "_q", insert) ? 1 : 0;
            }
        }
        assertEquals(2, crashes);
        assertEquals(reference(true), SqlQueryIT.sorted(rows("SELECT * FROM vt_crash_after")), "crash after the sink");
        assertEquals(reference(true), SqlQueryIT.sorted(rows("SELECT * FROM vt_crash_before")), "crash before the sink");
    }

    @Test
    void aStaticOrBoundedTableWithAPrimaryKeyJoinsItsLatestRowPerKey() throws Exception {
        String sellerTopic = SharedKafkaBroker.createTopic("vtsellers", 1);
        message("CREATE TABLE sellers (id BIGINT, seller VARCHAR, PRIMARY KEY (id) NOT ENFORCED) WITH ("
                + "'connector'='kafka', 'topic'='" + sellerTopic + "', 'format'='json', 'static'='true')");
        Random random = new Random(61);
        for (int r = 0; r < ROUNDS; r++) {
            round(random);
            versionsPerRound.get(r).forEach((id, seller) -> SharedKafkaBroker.produce(sellerTopic, 0, null,
                    "{\"id\": " + id + ", \"seller\": \"" + seller + "\"}"));
        }
        // Every version was written before the query: each bid meets its auction's very latest seller.
        Map<Long, String> latest = new LinkedHashMap<>();
        versionsPerRound.forEach(latest::putAll);
        List<List<Object>> expected = new ArrayList<>();
        bidsPerRound.forEach(bids -> bids.forEach(b -> {
            if (latest.containsKey(b.auction())) {
                expected.add(row(b.auction(), b.price(), b.auction(), latest.get(b.auction())));
            }
        }));
        String query = "SELECT STREAM b.auction, b.price, s.id, s.seller FROM bids b JOIN sellers s ON b.auction = s.id";
        assertEquals(SqlQueryIT.sorted(expected), SqlQueryIT.sorted(streamRows(query)));
        assertEquals(SqlQueryIT.sorted(expected), SqlQueryIT.sorted(rows(query.replace("STREAM ", ""))));
        assertEquals(SqlQueryIT.sorted(expected), SqlQueryIT.sorted(rows(join("").replace("STREAM ", ""))),
                "a bounded query joins the versioned table's latest rows too");
    }

    @Test
    void aJoinThatCanNotVersionTheTableSaysWhy() {
        SluiceException e = assertThrows(SluiceException.class, () -> sluice.execute("SELECT STREAM b.price FROM bids b "
                + "JOIN auctions a ON b.price = a.seller", b -> { }));
        assertTrue(e.getMessage().contains("Table auctions has a PRIMARY KEY [id], so it joins as its latest row per key: "
                + "the join needs an equality on each key column"), e.getMessage());
        e = assertThrows(SluiceException.class, () -> sluice.execute("SELECT STREAM b.price FROM bids b JOIN auctions a "
                + "ON b.auction = a.id WHERE a.seller = 's1'", b -> { }));
        assertTrue(e.getMessage().contains("a condition on its columns alone"), e.getMessage());
    }
}
