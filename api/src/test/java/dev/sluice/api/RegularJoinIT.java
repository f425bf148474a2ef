package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Regular joins of two streams (no time bound), kept bounded by a state TTL: inner joins append, outer joins
 * emit a row without a match at once and delete it when its first match comes. Checked against a plain-Java
 * join of everything read.
 */
class RegularJoinIT extends KafkaSessionFixture {
    private static final int ROUNDS = 4;

    private record Order(long id, long amount) {
    }

    private record Shipment(long order, String carrier) {
    }

    private final List<Order> orders = new ArrayList<>();
    private final List<Shipment> shipments = new ArrayList<>();
    private String orderTopic;
    private String shipmentTopic;

    @BeforeEach
    void createTables() {
        orderTopic = SharedKafkaBroker.createTopic("rjorders", 1);
        shipmentTopic = SharedKafkaBroker.createTopic("rjshipments", 1);
        message("CREATE TABLE orders (id BIGINT, amount BIGINT) WITH ('connector'='kafka', 'topic'='" + orderTopic
                + "', 'format'='json')");
        message("CREATE TABLE shipments (order_id BIGINT, carrier VARCHAR) WITH ('connector'='kafka', 'topic'='"
                + shipmentTopic + "', 'format'='json')");
        message("SET trigger = available-now");
    }

    private void order(long id, long amount) {
        orders.add(new Order(id, amount));
        SharedKafkaBroker.produce(orderTopic, 0, null, "{\"id\": " + id + ", \"amount\": " + amount + "}");
    }

    private void shipment(long order, String carrier) {
        shipments.add(new Shipment(order, carrier));
        SharedKafkaBroker.produce(shipmentTopic, 0, null, "{\"order_id\": " + order + ", \"carrier\": \"" + carrier
                + "\"}");
    }

    /** A round of orders and shipments: a shipment may come before, with or after its order, or never. */
    private void round(Random random) {
        for (int n = 0; n < 4; n++) {
            order(1 + random.nextInt(10), random.nextInt(100));
        }
        for (int n = 0; n < 3; n++) {
            shipment(1 + random.nextInt(10), random.nextBoolean() ? "ups" : "dhl");
        }
    }

    private static String join(String type) {
        return "SELECT STREAM o.id, o.amount, s.order_id, s.carrier FROM orders o " + type
                + " JOIN shipments s ON o.id = s.order_id";
    }

    /** The join of everything read (no row expired): the pairs, and the rows of a kept side without a match. */
    private List<List<Object>> reference(String type) {
        boolean keepLeft = type.equals("LEFT") || type.equals("FULL");
        boolean keepRight = type.equals("RIGHT") || type.equals("FULL");
        List<List<Object>> out = new ArrayList<>();
        for (Order o : orders) {
            boolean matched = false;
            for (Shipment s : shipments) {
                if (o.id() == s.order()) {
                    out.add(row(o.id(), o.amount(), s.order(), s.carrier()));
                    matched = true;
                }
            }
            if (!matched && keepLeft) {
                out.add(row(o.id(), o.amount(), null, null));
            }
        }
        for (Shipment s : shipments) {
            if (keepRight && orders.stream().noneMatch(o -> o.id() == s.order())) {
                out.add(row(null, null, s.order(), s.carrier()));
            }
        }
        return SqlQueryIT.sorted(out);
    }


    @Test
    void innerAndOuterJoinsKeptByAStateTtlGiveTheJoinOfEverythingRead() throws Exception {
        message("SET state.ttl = '1 h'");
        List<String> types = List.of("INNER", "LEFT", "RIGHT", "FULL");
        for (String type : types) {
            message("CREATE TABLE out_" + type + " (id BIGINT, amount BIGINT, order_id BIGINT, carrier VARCHAR) "
                    + "WITH ('connector'='memory')");
        }
        Random random = new Random(17);
        for (int r = 0; r < ROUNDS; r++) {
            round(random);
            for (String type : types) {
                StreamingQuery q = runNamed("regular_" + type, "INSERT INTO out_" + type + " " + join(type));
                assertTrue(q.exception().isEmpty(), () -> q.exception().get().getMessage());
            }
            for (String type : types) {
                assertEquals(reference(type), SqlQueryIT.sorted(rows("SELECT * FROM out_" + type)),
                        type + " after round " + r);
            }
        }
        String plan = message("EXPLAIN INSERT INTO out_LEFT " + join("LEFT"));
        assertTrue(plan.contains("StreamJoin(LEFT, keys=[id = order_id], rows of both sides kept for a state TTL of "
                + "3600000 ms since last written, rows without a match emitted at once and deleted when their first "
                + "match comes) [changes: retract; state: "), plan);
        plan = message("EXPLAIN INSERT INTO out_INNER " + join("INNER"));
        assertTrue(plan.contains("[changes: append; state: "), plan);
    }

    @Test
    void anOuterJoinDeletesTheNullPaddedRowWhenTheFirstMatchComes() throws Exception {
        message("SET state.ttl = '1 h'");
        message("SET maxOffsetsPerTrigger = 3");  // several batches: matches come in later batches
        Random random = new Random(23);
        for (int r = 0; r < ROUNDS; r++) {
            round(random);
        }
        List<ResultBatch> batches = new ArrayList<>();
        StreamingQuery q = runToEnd(join("FULL"), batches::add);
        assertTrue(q.exception().isEmpty(), () -> q.exception().get().getMessage());
        assertTrue(batches.size() >= 4, "several batches: " + batches.size());
        assertEquals(List.of("op", "id", "amount", "order_id", "carrier"), batches.get(0).columns());
        List<List<Object>> changes = new ArrayList<>();
        batches.forEach(b -> changes.addAll(b.rows()));
        assertTrue(changes.stream().anyMatch(c -> "-D".equals(c.get(0))), "null-padded rows were deleted: " + changes);
        assertEquals(reference("FULL"), SqlQueryIT.sorted(applyChanges(changes)));
    }

    @Test
    void rowsLeaveTheStateOnceTheTtlHasPassedSinceTheyWereWritten() throws Exception {
        message("SET state.ttl = '1 s'");
        message("CREATE TABLE kept (id BIGINT, amount BIGINT, order_id BIGINT, carrier VARCHAR) "
                + "WITH ('connector'='memory')");
        String insert = "INSERT INTO kept " + join("LEFT");
        order(1, 10);
        order(2, 20);
        shipment(1, "ups");
        StreamingQuery first = runNamed("ttl", insert);
        assertTrue(first.exception().isEmpty(), () -> first.exception().get().getMessage());
        assertEquals(2L, first.lastProgress().orElseThrow().stateRows(), "an entry per join key");
        Thread.sleep(1_500);  // the next batch's logged time is more than the TTL after the first's
        shipment(2, "dhl");
        shipment(1, "dhl");
        StreamingQuery q = runNamed("ttl", insert);
        assertTrue(q.exception().isEmpty(), () -> q.exception().get().getMessage());
        // The orders were forgotten: the late shipments match nothing, and order 2 stays without a match.
        assertEquals(2L, q.lastProgress().orElseThrow().stateRows(), "keys 1 and 2, with the new shipments only");
        assertEquals(SqlQueryIT.sorted(List.of(row(1L, 10L, 1L, "ups"), row(2L, 20L, null, null))),
                SqlQueryIT.sorted(rows("SELECT * FROM kept")));
    }

    @Test
    void aBatchReRunAfterACrashCountsTheTtlFromItsLoggedTimeNotTheClock() throws Exception {
        message("SET state.ttl = '6 s'");
        message("CREATE TABLE rj_ttl_crash (id BIGINT, amount BIGINT, order_id BIGINT, carrier VARCHAR) WITH ("
                + "'connector'='fail-once-memory', 'fail.batch'='1', 'fail.when'='before-sink')");
        String insert = "INSERT INTO rj_ttl_crash " + join("LEFT");
        order(1, 10);
        assertTrue(runNamed("rj_ttl", insert).exception().isEmpty());
        shipment(1, "ups");  // well within the TTL of the order
        StreamingQuery crashed = runNamed("rj_ttl", insert);
        assertTrue(crashed.exception().orElseThrow().getMessage().contains("injected crash"));
        Thread.sleep(6_500);  // the restart comes after the TTL: the re-run batch still counts from its logged time
        StreamingQuery restarted = runNamed("rj_ttl", insert);
        assertTrue(restarted.exception().isEmpty(), () -> restarted.exception().get().getMessage());
        assertEquals(List.of(row(1L, 10L, 1L, "ups")), rows("SELECT * FROM rj_ttl_crash"));
    }

    @Test
    void aRegularOuterJoinRecoversFromACrashToTheUninterruptedResult() throws Exception {
        message("SET state.ttl = '1 h'");
        message("CREATE TABLE rj_crash_after (id BIGINT, amount BIGINT, order_id BIGINT, carrier VARCHAR) WITH ("
                + "'connector'='fail-once-memory', 'fail.batch'='1', 'fail.when'='after-sink')");
        message("CREATE TABLE rj_crash_before (id BIGINT, amount BIGINT, order_id BIGINT, carrier VARCHAR) WITH ("
                + "'connector'='fail-once-memory', 'fail.batch'='2', 'fail.when'='before-sink')");
        Random random = new Random(31);
        int crashes = 0;
        for (int r = 0; r < ROUNDS; r++) {
            round(random);
            for (String table : List.of("rj_crash_after", "rj_crash_before")) {
                String insert = "INSERT INTO " + table + " " + join("FULL");
                crashes += runRestartingOnce(table + "_q", insert) ? 1 : 0;
            }
        }
        assertEquals(2, crashes);
        assertEquals(reference("FULL"), SqlQueryIT.sorted(rows("SELECT * FROM rj_crash_after")), "crash after the sink");
        assertEquals(reference("FULL"), SqlQueryIT.sorted(rows("SELECT * FROM rj_crash_before")), "crash before the sink");
    }

    @Test
    void withoutATtlOrABoundTheJoinIsRefusedSayingWhatWouldBoundIt() {
        SluiceException e = assertThrows(SluiceException.class, () -> sluice.execute(join("LEFT"), b -> { }));
        assertTrue(e.getMessage().contains("A LEFT OUTER JOIN of two streams ([orders] and [shipments]) needs a bound "
                + "between their event times"), e.getMessage());
        assertTrue(e.getMessage().contains("or a state TTL (SET state.ttl = '1 h'"), e.getMessage());
        message("SET state.ttl = '1 h'");
        // A plain GROUP BY above it needs no watermark (a window above would be refused: JoinPlanTest).
        String plan = message("EXPLAIN SELECT STREAM o.id, COUNT(*) FROM orders o JOIN shipments s ON o.id = s.order_id "
                + "GROUP BY o.id");
        assertTrue(plan.contains("StreamJoin(") && plan.contains("HashAggregate("), plan);
        // A TTL that is no duration is refused by SET itself, naming the option.
        e = assertThrows(SluiceException.class, () -> sluice.execute("SET state.ttl = 'soon'"));
        assertTrue(e.getMessage().startsWith("Invalid value 'soon' for option 'state.ttl'"), e.getMessage());
    }
}
