package dev.sluice.planner.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.execution.aggregate.OutputMode;
import dev.sluice.execution.connector.ConnectorRegistry;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.connector.WatermarkSpec;
import dev.sluice.execution.stream.IncrementalPlan;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.planner.PlanningException;
import dev.sluice.planner.catalog.Catalog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * SQL in, physical plan out, as Calcite's RelOptRulesTest does it: the cases live in
 * {@code physical-plans.txt} ({@code -- name}, the SQL, {@code ----}, the expected plan).
 */
class QueryPlannerTest {
    private final QueryPlanner planner = new QueryPlanner(catalog(), ConnectorRegistry.loadFromClassPath());

    private static Catalog catalog() {
        Catalog catalog = Catalog.inMemory();
        catalog.create(new TableDescriptor("clicks", RowSchema.of(
                Column.of("ts", ColumnType.BIGINT), Column.of("user_id", ColumnType.INTEGER),
                Column.of("page", ColumnType.VARCHAR), Column.of("amount", ColumnType.DOUBLE)),
                Map.of("connector", "test")), false);
        catalog.create(new TableDescriptor("views", RowSchema.of(
                Column.of("user_id", ColumnType.INTEGER), Column.of("page", ColumnType.VARCHAR)),
                Map.of("connector", "test")), false);
        catalog.create(new TableDescriptor("events", RowSchema.of(
                Column.of("ts", ColumnType.TIMESTAMP), Column.of("page", ColumnType.VARCHAR),
                Column.of("amount", ColumnType.DOUBLE)), Map.of("connector", "test")), false);
        catalog.create(new TableDescriptor("sink", RowSchema.of(
                Column.of("uid", ColumnType.BIGINT), Column.of("label", ColumnType.VARCHAR)),
                Map.of("connector", "test")), false);
        catalog.create(new TableDescriptor("users", RowSchema.of(
                Column.of("user_id", ColumnType.INTEGER), Column.of("country", ColumnType.VARCHAR)),
                Map.of("connector", "test", "static", "true")), false);
        for (String name : List.of("bids", "asks")) {
            catalog.create(new TableDescriptor(name, RowSchema.of(
                    Column.of("ts", ColumnType.TIMESTAMP), Column.of("item", ColumnType.VARCHAR),
                    Column.of("price", ColumnType.DOUBLE)), Map.of("connector", "test"),
                    Optional.of(new WatermarkSpec("ts", 5_000))), false);
        }
        return catalog;
    }

    @TestFactory
    List<DynamicTest> physicalPlans() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        String text;
        try (InputStream in = QueryPlannerTest.class.getResourceAsStream("physical-plans.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (String block : text.split("(?m)^====\\s*$")) {
            if (block.isBlank()) {
                continue;
            }
            String[] parts = block.split("(?m)^----\\s*$");
            String header = parts[0].strip();
            String name = header.substring(3, header.indexOf('\n')).strip();
            String sql = header.substring(header.indexOf('\n') + 1).strip();
            String expected = parts[1].strip();
            tests.add(DynamicTest.dynamicTest(name, () -> {
                PlannedQuery plan = planner.plan(sql);
                String actual = (plan.streaming() ? "continuous" : "bounded") + "\n" + plan.root().explain().strip();
                assertEquals(expected, actual, "plan of: " + sql);
            }));
        }
        return tests;
    }

    @Test
    void insertTargetsTheTableSchema() {
        PlannedQuery plan = planner.plan("INSERT INTO sink SELECT STREAM user_id, page FROM clicks");
        assertEquals("sink", plan.target().orElseThrow().name());
        assertEquals(RowSchema.of(Column.of("uid", ColumnType.BIGINT), Column.of("label", ColumnType.VARCHAR)),
                plan.outputSchema());
    }

    /**
     * The incremental plan is compiled once per output mode and kept: the one the planner checked (update) is the one
     * the launcher and the execution get, and another mode's is compiled once.
     */
    @Test
    void incrementalPlanIsCompiledOncePerOutputMode() {
        PlannedQuery plan = planner.plan("SELECT STREAM page, COUNT(*) FROM clicks GROUP BY page");
        IncrementalPlan update = plan.incrementalPlan(OutputMode.UPDATE);
        assertSame(update, plan.incrementalPlan(OutputMode.UPDATE));
        IncrementalPlan complete = plan.incrementalPlan(OutputMode.COMPLETE);
        assertNotSame(update, complete);
        assertSame(complete, plan.incrementalPlan(OutputMode.COMPLETE));
        assertThrows(IllegalStateException.class, () -> planner.plan("SELECT page FROM clicks")
                .incrementalPlan(OutputMode.UPDATE));
    }

    /** A comma join with its equalities (and time bound) in WHERE plans exactly as its JOIN ... ON form. */
    @Test
    void commaJoinPlansAsJoinOn() {
        assertSamePlan("SELECT STREAM c.page, u.country FROM clicks c, users u WHERE c.user_id = u.user_id AND c.amount > 10",
                "SELECT STREAM c.page, u.country FROM clicks c JOIN users u ON c.user_id = u.user_id WHERE c.amount > 10",
                "LookupJoin(type=inner");
        assertSamePlan("SELECT v.page, c.amount FROM views v, clicks c WHERE v.user_id = c.user_id AND v.page = c.page",
                "SELECT v.page, c.amount FROM views v JOIN clicks c ON v.user_id = c.user_id AND v.page = c.page",
                "LookupJoin(type=inner");
        assertSamePlan("SELECT STREAM b.item, b.price, a.price FROM bids b, asks a WHERE b.item = a.item "
                        + "AND a.ts BETWEEN b.ts - INTERVAL '10' SECOND AND b.ts AND b.price > 1",
                "SELECT STREAM b.item, b.price, a.price FROM bids b JOIN asks a ON b.item = a.item "
                        + "AND a.ts BETWEEN b.ts - INTERVAL '10' SECOND AND b.ts WHERE b.price > 1",
                "StreamJoin(keys=[item = item]");
        // A condition on one side in the ON clause is pushed below the join as one in WHERE is.
        assertSamePlan("SELECT STREAM c.page, u.country FROM clicks c JOIN users u ON c.user_id = u.user_id AND c.amount > 10",
                "SELECT STREAM c.page, u.country FROM clicks c, users u WHERE c.amount > 10 AND u.user_id = c.user_id",
                "LookupJoin(type=inner");
    }

    private void assertSamePlan(String sql, String reference, String fragment) {
        String plan = planner.plan(sql).root().explain();
        assertEquals(planner.plan(reference).root().explain(), plan, sql);
        assertTrue(plan.contains(fragment), plan);
    }

    @Test
    void errorsNameTheObjectAndPosition() {
        assertError("SELECT nope FROM clicks", "From line 1, column 8 to line 1, column 11: Column 'nope' not found in any table");
        assertError("SELECT * FROM nope", "Object 'nope' not found");
        assertError("SELECT STREAM page FROM clicks LIMIT 2", "LIMIT and OFFSET are only supported on bounded queries");
        assertError("SELECT STREAM page FROM clicks ORDER BY page", "ORDER BY is only supported on bounded queries");
        assertError("SELECT page, COUNT(*) FROM clicks GROUP BY ROLLUP(page)", "ROLLUP");
        assertError("SELECT STREAM page, STDDEV_POP(amount) FROM clicks GROUP BY page",
                "Aggregate function STDDEV_POP is not supported yet");
        assertError("INSERT INTO sink SELECT STREAM page, user_id FROM clicks", "column 1 ('page') is VARCHAR, can't be written to 'uid' BIGINT");
        assertError("INSERT INTO sink SELECT STREAM page FROM clicks", "the query has 1 columns, the table has 2");
        assertError("INSERT INTO sink SELECT user_id, page FROM clicks", "needs a continuous query");
        assertError("SELECT FROM clicks", "Syntax error: Incorrect syntax near the keyword 'FROM' at line 1, column 8.");
    }

    private void assertError(String sql, String fragment) {
        PlanningException e = assertThrows(PlanningException.class, () -> planner.plan(sql));
        assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' should contain '" + fragment + "'");
    }
}
