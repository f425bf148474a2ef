package dev.sluice.planner.ddl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.planner.PlanningException;
import java.util.Map;
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
        assertEquals("At line 1, column 6: Expected TABLES or QUERIES after SHOW, found 'COLUMNS'", e.getMessage());
        assertFalse(e.getMessage().isEmpty());
    }
}
