package dev.sluice.planner.ddl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.execution.connector.ComputedColumn;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.connector.WatermarkSpec;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.planner.PlanningException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatementParserTest {
    @Test
    void createTableWithColumnsAndOptions() {
        SluiceStatement s = StatementParser.parse("""
                CREATE TABLE IF NOT EXISTS clicks (
                  ts BIGINT NOT NULL,
                  user_id INT,
                  "Page" VARCHAR(100),
                  amount DOUBLE PRECISION,
                  at TIMESTAMP(3),
                  ok BOOLEAN
                ) WITH ('connector'='kafka', 'topic'='clicks', 'format'='json');
                """);
        SluiceStatement.CreateTable create = assertInstanceOf(SluiceStatement.CreateTable.class, s);
        assertTrue(create.ifNotExists());
        assertEquals("clicks", create.table().name());
        assertEquals(new RowSchema(java.util.List.of(
                new Column("ts", ColumnType.BIGINT, false),
                Column.of("user_id", ColumnType.INTEGER),
                Column.of("Page", ColumnType.VARCHAR),
                Column.of("amount", ColumnType.DOUBLE),
                Column.of("at", ColumnType.TIMESTAMP),
                Column.of("ok", ColumnType.BOOLEAN))), create.table().schema());
        assertEquals(Map.of("connector", "kafka", "topic", "clicks", "format", "json"), create.table().options());
    }

    @Test
    void createTableWithWatermark() {
        SluiceStatement.CreateTable create = (SluiceStatement.CreateTable) StatementParser.parse("""
                CREATE TABLE events (ts TIMESTAMP, page VARCHAR, WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
                WITH ('connector'='kafka', 'topic'='events', 'format'='json')""");
        assertEquals(java.util.Optional.of(new dev.sluice.execution.connector.WatermarkSpec("ts", 5_000)),
                create.table().watermark());
        assertEquals(2, create.table().schema().size());
        PlanningException e = assertThrows(PlanningException.class, () -> StatementParser.parse(
                "CREATE TABLE t (ts BIGINT, WATERMARK FOR ts AS ts) WITH ('connector'='memory')"));
        assertEquals("The watermark of table 't' needs a TIMESTAMP column; 'ts' is BIGINT", e.getMessage());
        e = assertThrows(PlanningException.class, () -> StatementParser.parse(
                "CREATE TABLE t (ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '5' WEEK) WITH ('connector'='memory')"));
        assertEquals("At line 1, column 69: Expected SECOND, MINUTE, HOUR, DAY or MILLISECOND, found 'WEEK'", e.getMessage());
    }

    @Test
    void computedColumnsKeepTheirExpressionAsWrittenAndTheirPlace() {
        SluiceStatement.CreateTable create = (SluiceStatement.CreateTable) StatementParser.parse("""
                CREATE TABLE bid (
                  auction BIGINT,
                  price_eur AS price * 0.9,
                  price BIGINT,
                  dateTime BIGINT,
                  event_time AS TO_TIMESTAMP_LTZ(dateTime, 3),
                  label AS CASE WHEN price > 10 THEN 'big, really' ELSE CONCAT('small', ')') END,
                  WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND
                ) WITH ('connector'='kafka', 'topic'='bid', 'format'='json')""");
        TableDescriptor t = create.table();
        assertEquals(List.of("auction", "price", "dateTime"), t.schema().names());
        assertEquals(List.of(new ComputedColumn("price_eur", "price * 0.9", 1),
                new ComputedColumn("event_time", "TO_TIMESTAMP_LTZ(dateTime, 3)", 4),
                new ComputedColumn("label", "CASE WHEN price > 10 THEN 'big, really' ELSE CONCAT('small', ')') END", 5)),
                t.computedColumns());
        assertEquals(List.of("auction", "price_eur", "price", "dateTime", "event_time", "label"), t.declaredNames());
        assertEquals(Optional.of(new WatermarkSpec("event_time", 5_000)), t.watermark());

        PlanningException e = assertThrows(PlanningException.class, () -> StatementParser.parse(
                "CREATE TABLE t (a INT, b AS , c INT) WITH ('connector'='memory')"));
        assertEquals("At line 1, column 29: Expected an expression for the computed column 'b' (b AS expression), "
                + "found ','", e.getMessage());
        e = assertThrows(PlanningException.class, () -> StatementParser.parse(
                "CREATE TABLE t (a INT, b AS (a + 1) WITH ('connector'='memory')"));
        assertTrue(e.getMessage().contains("Expected ')' after the expression of column 'b'"), e.getMessage());
        e = assertThrows(PlanningException.class, () -> StatementParser.parse(
                "CREATE TABLE t (a INT, a AS a + 1) WITH ('connector'='memory')"));
        assertEquals("At line 1, column 24: Column 'a' is declared twice", e.getMessage());
    }

    @Test
    void primaryKeysAreNotEnforcedAndMakeTheirColumnsNotNull() {
        TableDescriptor t = ((SluiceStatement.CreateTable) StatementParser.parse("""
                CREATE TABLE users (id BIGINT, region VARCHAR, name VARCHAR,
                  CONSTRAINT pk PRIMARY KEY (ID, region) NOT ENFORCED) WITH ('connector'='memory')""")).table();
        assertEquals(List.of("id", "region"), t.primaryKey());
        assertEquals(List.of(false, false, true), t.schema().columns().stream().map(Column::nullable).toList());
        TableDescriptor inline = ((SluiceStatement.CreateTable) StatementParser.parse(
                "CREATE TABLE users (id BIGINT PRIMARY KEY NOT ENFORCED, name VARCHAR) WITH ('connector'='memory')"))
                .table();
        assertEquals(List.of("id"), inline.primaryKey());
        assertFalse(inline.schema().column(0).nullable());

        assertParseError("CREATE TABLE t (a INT, PRIMARY KEY (a)) WITH ('connector'='memory')",
                "At line 1, column 39: Expected NOT ENFORCED after the primary key, found ')': Sluice does not own the "
                        + "data in its tables, so a primary key is only declared (PRIMARY KEY (...) NOT ENFORCED), as in "
                        + "Flink SQL");
        assertParseError("CREATE TABLE t (a INT, PRIMARY KEY (b) NOT ENFORCED) WITH ('connector'='memory')",
                "The primary key of table 't' names column 'b', which it does not declare");
        assertParseError("CREATE TABLE t (a INT, b AS a + 1, PRIMARY KEY (b) NOT ENFORCED) WITH ('connector'='memory')",
                "The primary key of table 't' names 'b', a computed column: a primary key is made of physical columns");
        assertParseError("CREATE TABLE t (a INT NULL, PRIMARY KEY (a) NOT ENFORCED) WITH ('connector'='memory')",
                "At line 1, column 29: The primary key column 'a' of table 't' is declared NULL: primary key columns "
                        + "are NOT NULL");
        assertParseError("CREATE TABLE t (a INT, PRIMARY KEY (a, A) NOT ENFORCED) WITH ('connector'='memory')",
                "The primary key of table 't' names column 'A' twice");
        assertParseError("CREATE TABLE t (a INT PRIMARY KEY NOT ENFORCED, PRIMARY KEY (a) NOT ENFORCED) "
                + "WITH ('connector'='memory')", "At line 1, column 49: Table 't' has two primary keys");
    }

    /** SHOW CREATE TABLE's text parses back into the same table. */
    @Test
    void showCreateTableRoundTrips() {
        String ddl = """
                CREATE TABLE "my bids" (auction BIGINT NOT NULL, "key" VARCHAR, ts AS TO_TIMESTAMP_LTZ(auction, 3),
                  price DOUBLE, WATERMARK FOR ts AS ts - INTERVAL '90' SECOND, PRIMARY KEY (auction) NOT ENFORCED)
                WITH ('connector'='kafka', 'topic'='it''s', 'format'='json')""";
        TableDescriptor t = ((SluiceStatement.CreateTable) StatementParser.parse(ddl)).table();
        String text = CreateTableText.of(t);
        assertEquals("""
                CREATE TABLE "my bids" (
                  auction BIGINT,
                  key VARCHAR,
                  ts AS TO_TIMESTAMP_LTZ(auction, 3),
                  price DOUBLE,
                  WATERMARK FOR ts AS ts - INTERVAL '90' SECOND,
                  PRIMARY KEY (auction) NOT ENFORCED
                ) WITH (
                  'connector' = 'kafka',
                  'format' = 'json',
                  'topic' = 'it''s'
                )""", text);
        assertEquals(t, ((SluiceStatement.CreateTable) StatementParser.parse(text)).table());
        assertEquals(new SluiceStatement.ShowCreateTable("my bids"), StatementParser.parse("show create table \"my bids\""));
    }

    private static void assertParseError(String sql, String message) {
        PlanningException e = assertThrows(PlanningException.class, () -> StatementParser.parse(sql));
        assertEquals(message, e.getMessage());
    }

    @Test
    void errorsNameLineColumnAndToken() {
        PlanningException e = assertThrows(PlanningException.class,
                () -> StatementParser.parse("CREATE TABLE t (\n  a INT,\n  b BLOB\n) WITH ('connector'='memory')"));
        assertEquals("At line 3, column 5: Unsupported column type 'BLOB' (supported: BOOLEAN, INT, BIGINT, DOUBLE, "
                + "VARCHAR, TIMESTAMP) for column 'b'", e.getMessage());

        e = assertThrows(PlanningException.class, () -> StatementParser.parse("CREATE TABLE t (a INT b INT)"));
        assertEquals("At line 1, column 23: Expected ')', found 'b'", e.getMessage());

        e = assertThrows(PlanningException.class,
                () -> StatementParser.parse("CREATE TABLE t (a INT, a BIGINT) WITH ('connector'='memory')"));
        assertEquals("At line 1, column 24: Column 'a' is declared twice", e.getMessage());

        e = assertThrows(PlanningException.class, () -> StatementParser.parse("CREATE TABLE t (a INT)"));
        assertTrue(e.getMessage().contains("needs a 'connector' option"), e.getMessage());

        e = assertThrows(PlanningException.class,
                () -> StatementParser.parse("CREATE TABLE t (a INT) WITH ('connector'='memory', 'connector'='kafka')"));
        assertEquals("At line 1, column 52: Option 'connector' is given twice", e.getMessage());

        e = assertThrows(PlanningException.class,
                () -> StatementParser.parse("CREATE TABLE t (a INT) WITH ('connector'='memory"));
        assertEquals("At line 1, column 42: Unterminated string literal", e.getMessage());
    }

    @Test
    void viewStatementsKeepTheQueryAsWritten() {
        assertEquals(new SluiceStatement.CreateView("B", "SELECT *, PROCTIME() AS p_time FROM bid", false),
                StatementParser.parse("CREATE VIEW B AS SELECT *, PROCTIME() AS p_time FROM bid;"));
        assertEquals(new SluiceStatement.CreateView("v", "SELECT a\n  FROM t WHERE s = 'x;y'", true),
                StatementParser.parse("create temporary view if not exists v as SELECT a\n  FROM t WHERE s = 'x;y'"));
        assertEquals(new SluiceStatement.DropView("v", true), StatementParser.parse("DROP VIEW IF EXISTS v"));
        assertEquals(new SluiceStatement.DropView("v", false), StatementParser.parse("drop view v"));
        assertEquals(new SluiceStatement.ShowViews(), StatementParser.parse("SHOW VIEWS"));
        assertEquals(new SluiceStatement.ShowCreateView("v"), StatementParser.parse("SHOW CREATE VIEW v"));
        assertEquals(new SluiceStatement.DescribeTable("v"), StatementParser.parse("DESCRIBE VIEW v"));
        assertParseError("CREATE VIEW v", "At line 1, column 14: Expected AS, found end of statement");
        assertParseError("CREATE VIEW v AS", "At line 1, column 17: Expected the view's query after AS");
    }

    @Test
    void otherStatements() {
        assertEquals(new SluiceStatement.DropTable("t", true), StatementParser.parse("drop table if exists t"));
        assertEquals(new SluiceStatement.DropTable("t", false), StatementParser.parse("DROP TABLE t;"));
        assertEquals(new SluiceStatement.ShowTables(), StatementParser.parse("SHOW TABLES"));
        assertEquals(new SluiceStatement.ShowQueries(), StatementParser.parse("show queries"));
        assertEquals(new SluiceStatement.DescribeTable("Clicks"), StatementParser.parse("DESCRIBE Clicks"));
        assertEquals(new SluiceStatement.DescribeTable("x"), StatementParser.parse("DESC TABLE \"x\""));
        assertEquals(new SluiceStatement.SetOption("trigger", "10 seconds"), StatementParser.parse("SET trigger = 10 seconds"));
        assertEquals(new SluiceStatement.SetOption("query.name", "q1"), StatementParser.parse("SET 'query.name' = 'q1'"));
        assertEquals(new SluiceStatement.SetOption(null, null), StatementParser.parse("SET"));
        assertEquals(new SluiceStatement.SetOption("trigger", "available-now"), StatementParser.parse("SET trigger = available-now;"));
        assertEquals(new SluiceStatement.SetOption("checkpoint.root", "hdfs://nn:8020/x"),
                StatementParser.parse("SET checkpoint.root = 'hdfs://nn:8020/x'"));
        assertEquals(new SluiceStatement.ResetOption("trigger"), StatementParser.parse("RESET trigger"));
        assertEquals(new SluiceStatement.StopQuery("q1"), StatementParser.parse("STOP QUERY q1"));
        assertEquals(new SluiceStatement.Explain("SELECT 1"), StatementParser.parse("EXPLAIN PLAN FOR SELECT 1"));
        assertEquals(new SluiceStatement.Explain("SELECT STREAM a\nFROM t"), StatementParser.parse("explain SELECT STREAM a\nFROM t;"));
        assertEquals(new SluiceStatement.Query("SELECT * FROM t"), StatementParser.parse("  SELECT * FROM t ;"));
        assertEquals(new SluiceStatement.Query("-- first\nSELECT 1"), StatementParser.parse("-- first\nSELECT 1"));
    }

    @Test
    void showNeedsAKnownObject() {
        PlanningException e = assertThrows(PlanningException.class, () -> StatementParser.parse("SHOW COLUMNS"));
        assertEquals("At line 1, column 6: Expected TABLES, VIEWS, QUERIES, CREATE TABLE or CREATE VIEW after SHOW, found 'COLUMNS'", e.getMessage());
        assertFalse(e.getMessage().isEmpty());
    }
}
