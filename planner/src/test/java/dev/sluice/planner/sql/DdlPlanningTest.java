package dev.sluice.planner.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.execution.connector.ConnectorRegistry;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.source.ComputedColumnsSource;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.planner.PlanningException;
import dev.sluice.planner.catalog.Catalog;
import dev.sluice.planner.ddl.SluiceStatement;
import dev.sluice.planner.ddl.StatementParser;
import java.nio.file.Path;
import java.util.List;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.util.ImmutableBitSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Computed columns, primary keys and metadata columns, from CREATE TABLE to the plan. */
class DdlPlanningTest {
    private static final String BID = """
            CREATE TABLE bid (
              auction BIGINT,
              price BIGINT,
              price_eur AS price * 0.9,
              dateTime BIGINT,
              event_time AS TO_TIMESTAMP_LTZ(dateTime, 3),
              WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND
            ) WITH ('connector'='test')""";

    @TempDir
    Path home;

    private final Catalog catalog = Catalog.inMemory();
    private final QueryPlanner planner = new QueryPlanner(catalog, ConnectorRegistry.loadFromClassPath());

    private TableDescriptor create(String ddl) {
        TableDescriptor table = ((SluiceStatement.CreateTable) StatementParser.parse(ddl)).table();
        planner.check(table);
        catalog.create(table, false);
        return table;
    }

    @Test
    void computedColumnsAreTypedByTheirExpressionAndReadLikeColumns() {
        TableDescriptor bid = create(BID);
        assertEquals(new RowSchema(List.of(Column.of("auction", ColumnType.BIGINT), Column.of("price", ColumnType.BIGINT),
                Column.of("price_eur", ColumnType.DOUBLE), Column.of("dateTime", ColumnType.BIGINT),
                Column.of("event_time", ColumnType.TIMESTAMP), new Column("partition", ColumnType.INTEGER, false),
                new Column("offset", ColumnType.BIGINT, false))), planner.fullSchema(bid));
        // SELECT * has the computed columns, in declaration order, and not the metadata columns.
        assertEquals("Scan(table=bid, columns=[auction, price, price_eur, dateTime, event_time])",
                planner.plan("SELECT * FROM bid").root().explain().strip());
        // The source computes event_time from dateTime, the one column it reads.
        List<ComputedColumnsSource.Definition> computed = planner.computedColumns(bid);
        assertEquals(List.of("price_eur", "event_time"), computed.stream().map(d -> d.column().name()).toList());
        assertEquals(List.of("price"), computed.get(0).inputs());
        assertEquals(List.of("dateTime"), computed.get(1).inputs());
        assertEquals("CAST(dateTime AS TIMESTAMP)", computed.get(1).expression().toString());
    }

    @Test
    void aComputedEventTimeDrivesAWindowedQuery() {
        create(BID);
        PlannedQuery plan = planner.plan("SELECT STREAM TUMBLE_START(event_time, INTERVAL '10' SECOND), COUNT(*), "
                + "MAX(price_eur) FROM bid GROUP BY TUMBLE(event_time, INTERVAL '10' SECOND)");
        assertTrue(plan.hasWatermarkedWindow(), plan.explain());
        // The scan reads the computed event time (its tasks track the watermark on it) and the computed price.
        String scan = plan.scans().get(0).describe();
        assertEquals("Scan(table=bid, columns=[price_eur, event_time])", scan);
    }

    @Test
    void insertWritesThePhysicalColumnsOnly() {
        create(BID);
        create("CREATE TABLE raw (auction BIGINT, price BIGINT, dateTime BIGINT) WITH ('connector'='test')");
        PlannedQuery plan = planner.plan("INSERT INTO bid SELECT STREAM * FROM raw");
        assertEquals(List.of("auction", "price", "dateTime"), plan.outputSchema().names());
        PlanningException e = assertThrows(PlanningException.class,
                () -> planner.plan("INSERT INTO raw SELECT STREAM * FROM bid"));
        assertTrue(e.getMessage().contains("INSERT INTO raw: the query has 5 columns, the table has 3"), e.getMessage());
    }

    @Test
    void badComputedColumnsNameTheTableAndColumn() {
        assertCreateError("CREATE TABLE t (a INT, b AS nope + 1) WITH ('connector'='test')",
                "The computed column 'b' of table 't' (nope + 1): Column 'nope' not found in any table");
        assertCreateError("CREATE TABLE t (a INT, b AS a +) WITH ('connector'='test')",
                "The computed column 'b' of table 't' (a +) is not a valid expression: ");
        assertCreateError("CREATE TABLE t (a INT, b AS SUM(a)) WITH ('connector'='test')",
                "The computed column 'b' of table 't' (SUM(a)): it must be one value computed from the row's columns");
        assertCreateError("CREATE TABLE t (a INT, b AS a + 1, c AS b * 2) WITH ('connector'='test')",
                "The computed column 'c' of table 't' (b * 2): Column 'b' not found in any table");
        assertCreateError("CREATE TABLE t (a INT, b AS CAST('2024-01-01' AS DATE)) WITH ('connector'='test')",
                "The computed column 'b' of table 't' (CAST('2024-01-01' AS DATE)): Type DATE is not supported yet");
        assertCreateError("CREATE TABLE t (a BIGINT, ts AS a * 1000, WATERMARK FOR ts AS ts) WITH ('connector'='test')",
                "The watermark of table 't' needs a TIMESTAMP column; the computed column 'ts' (a * 1000) is BIGINT");
        assertCreateError("CREATE TABLE t (a BIGINT, ts AS TO_TIMESTAMP_LTZ(a, 6)) WITH ('connector'='test')",
                "The computed column 'ts' of table 't' (TO_TIMESTAMP_LTZ(a, 6)): The precision of TO_TIMESTAMP_LTZ must "
                        + "be 0 (epoch seconds) or 3 (epoch milliseconds)");
        // A computed column may read a metadata column.
        TableDescriptor t = create("CREATE TABLE t (a INT, p AS \"partition\" * 10) WITH ('connector'='test')");
        assertEquals(List.of("partition"), planner.computedColumns(t).get(0).inputs());
    }

    private void assertCreateError(String ddl, String message) {
        TableDescriptor table = ((SluiceStatement.CreateTable) StatementParser.parse(ddl)).table();
        PlanningException e = assertThrows(PlanningException.class, () -> planner.check(table));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @Test
    void aPrimaryKeyIsTheTablesUniqueKeyForThePlanner() {
        create("CREATE TABLE users (region VARCHAR, id BIGINT, name VARCHAR, PRIMARY KEY (id, region) NOT ENFORCED) "
                + "WITH ('connector'='test')");
        RelNode scan = planner.relBuilder(List.of()).scan("users").build();
        RelMetadataQuery mq = scan.getCluster().getMetadataQuery();
        assertTrue(mq.areColumnsUnique(scan, ImmutableBitSet.of(0, 1)));
        assertFalse(mq.areColumnsUnique(scan, ImmutableBitSet.of(1)));
        assertEquals(List.of("id", "region"), catalog.require("users").primaryKey());
    }

    @Test
    void theCatalogFileKeepsComputedColumnsAndPrimaryKeys() {
        Path file = home.resolve("catalog.json");
        TableDescriptor bid = ((SluiceStatement.CreateTable) StatementParser.parse(BID.replace(
                "auction BIGINT,", "auction BIGINT, PRIMARY KEY (auction) NOT ENFORCED,"))).table();
        Catalog.open(file).create(bid, false);
        assertEquals(bid, Catalog.open(file).require("bid"));
    }
}
