package dev.sluice.planner.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.execution.connector.ConnectorRegistry;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.connector.WatermarkSpec;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.planner.PlanningException;
import dev.sluice.planner.catalog.Catalog;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The plans of joins of two streams (interval, regular with a TTL, semi and anti) and their refusals. */
class JoinPlanTest {
    private static final Map<String, String> TTL = Map.of("state.ttl", "1 h");
    private final QueryPlanner planner = new QueryPlanner(catalog(), ConnectorRegistry.loadFromClassPath());

    private static Catalog catalog() {
        Catalog catalog = Catalog.inMemory();
        catalog.create(new TableDescriptor("bids", RowSchema.of(Column.of("auction", ColumnType.BIGINT),
                Column.of("price", ColumnType.BIGINT), Column.of("ts", ColumnType.TIMESTAMP)),
                Map.of("connector", "test"), Optional.of(new WatermarkSpec("ts", 5_000))), false);
        catalog.create(new TableDescriptor("auctions", RowSchema.of(Column.of("id", ColumnType.BIGINT),
                Column.of("ts", ColumnType.TIMESTAMP), Column.of("expires", ColumnType.TIMESTAMP)),
                Map.of("connector", "test"), Optional.of(new WatermarkSpec("ts", 5_000))), false);
        catalog.create(new TableDescriptor("sellers", RowSchema.of(Column.of("auction", ColumnType.BIGINT),
                Column.of("name", ColumnType.VARCHAR)), Map.of("connector", "test", "static", "true")), false);
        return catalog;
    }

    private String plan(String sql, Map<String, String> options) {
        return planner.plan(sql, options).root().explain().strip();
    }

    private void assertRefused(String sql, Map<String, String> options, String fragment) {
        PlanningException e = assertThrows(PlanningException.class, () -> planner.plan(sql, options));
        assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' should contain '" + fragment + "'");
    }

    @Test
    void outerIntervalJoins() {
        assertEquals("""
                StreamJoin(FULL, keys=[auction = id], ts BETWEEN ts + 0 ms AND + 60000 ms, state=rows of both sides \
                until the watermark passes their bound)
                  Scan(table=bids, columns=[auction, price, ts])
                  Scan(table=auctions, columns=[id, ts])""",
                plan("SELECT STREAM b.auction, b.price, b.ts, a.id, a.ts FROM bids b FULL JOIN auctions a "
                        + "ON b.auction = a.id AND b.ts BETWEEN a.ts AND a.ts + INTERVAL '1' MINUTE", Map.of()));
        assertEquals("""
                StreamJoin(LEFT, keys=[auction = id], ts >= ts + 0 ms AND ts <= expires + 0 ms, state=rows of both \
                sides until the watermark passes their bound)""",
                plan("SELECT STREAM * FROM bids b LEFT JOIN auctions a ON b.auction = a.id AND b.ts BETWEEN a.ts AND "
                        + "a.expires", Map.of()).lines().findFirst().orElseThrow());
        assertRefused("SELECT STREAM * FROM bids b LEFT JOIN auctions a ON b.auction = a.id AND b.ts BETWEEN a.expires "
                + "AND a.ts", Map.of(), "needs the event time (the WATERMARK column) of [auctions] in its lower bound");
        assertRefused("SELECT STREAM * FROM bids b RIGHT JOIN auctions a ON b.auction = a.id AND b.ts BETWEEN a.ts AND "
                + "a.ts + INTERVAL '1' MINUTE AND b.price > a.id", Map.of(), "The ON clause of a RIGHT OUTER JOIN "
                + "([bids] and [auctions]) may only have equalities and a time bound between the two sides yet");
    }

    @Test
    void regularJoinsNeedATtl() {
        String join = "SELECT STREAM * FROM bids b LEFT JOIN auctions a ON b.auction = a.id";
        assertRefused(join, Map.of(), "A LEFT OUTER JOIN of two streams ([bids] and [auctions]) needs a bound between "
                + "their event times");
        assertRefused(join, Map.of(), "or a state TTL (SET state.ttl = '1 h'");
        assertTrue(plan(join, TTL).startsWith("StreamJoin(LEFT, keys=[auction = id], state=rows of both sides for a TTL "
                + "of 3600000 ms)"), plan(join, TTL));
        assertRefused(join, Map.of("state.ttl", "0 s"), "Invalid state.ttl '0 s'");
        // A plain GROUP BY above needs no watermark; a window above would (the join's pairs come in no time order).
        assertTrue(plan("SELECT STREAM a.id, COUNT(*) FROM bids b JOIN auctions a ON b.auction = a.id GROUP BY a.id",
                TTL).contains("StreamJoin("));
        assertRefused("SELECT STREAM COUNT(*) FROM bids b JOIN auctions a ON b.auction = a.id "
                + "GROUP BY TUMBLE(b.ts, INTERVAL '10' SECOND)", TTL, "kept by a state TTL can't be below a window");
    }

    @Test
    void subqueriesBecomeSemiAndAntiJoins() {
        String semi = plan("SELECT STREAM price FROM bids b WHERE EXISTS (SELECT 1 FROM auctions a WHERE a.id = "
                + "b.auction AND b.ts BETWEEN a.ts AND a.ts + INTERVAL '1' MINUTE)", Map.of());
        assertTrue(semi.contains("StreamJoin(SEMI, keys=[auction = id], ts BETWEEN ts + 0 ms AND + 60000 ms"), semi);
        String anti = plan("SELECT STREAM price FROM bids b WHERE NOT EXISTS (SELECT 1 FROM auctions a WHERE a.id = "
                + "b.auction)", TTL);
        assertTrue(anti.contains("StreamJoin(ANTI, keys=[auction = id], state=rows of both sides for a TTL"), anti);
        String in = plan("SELECT price FROM bids WHERE auction IN (SELECT id FROM auctions WHERE expires IS NOT NULL)",
                Map.of());
        assertTrue(in.contains("StreamJoin(SEMI, keys=[auction = id], bounded input)"), in);
        assertRefused("SELECT price FROM bids WHERE auction NOT IN (SELECT id FROM auctions)", Map.of(),
                "NOT IN over a column that can be NULL (auction NOT IN (SELECT id ...))");
        assertRefused("SELECT price FROM bids b WHERE EXISTS (SELECT 1 FROM auctions)", Map.of(),
                "An EXISTS subquery not correlated with the outer query");
        assertRefused("SELECT STREAM price FROM bids b WHERE NOT EXISTS (SELECT 1 FROM auctions a WHERE a.id = "
                + "b.auction)", Map.of(), "An ANTI JOIN (NOT EXISTS) of two streams ([bids] and [auctions]) needs a "
                + "bound");
    }

    @Test
    void aRightJoinWithAStaticLeftSideIsALookupJoin() {
        String plan = plan("SELECT STREAM * FROM sellers s RIGHT JOIN bids b ON s.auction = b.auction", Map.of());
        assertTrue(plan.contains("LookupJoin"), plan);
        assertRefused("SELECT STREAM * FROM bids b FULL JOIN sellers s ON s.auction = b.auction", Map.of(),
                "A FULL OUTER JOIN of the stream [bids] with the static table [sellers] is not supported yet");
    }
}
