package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The statement dispatcher, the query launcher and the typed catalog: what a statement's result says about how
 * its query runs, and the catalog read as values (which SHOW TABLES and DESCRIBE print), checked against the DDL.
 */
class StatementDispatchIT extends KafkaSessionFixture {
    private static final List<String> METADATA = List.of("partition", "offset", "timestamp", "key", "topic");

    @Test
    void theCatalogsTypedApiDescribesWhatTheDdlDeclared() {
        String topic = SharedKafkaBroker.createTopic("typed", 1);
        message("CREATE TABLE bid (auction BIGINT, price BIGINT, dateTime BIGINT, price_eur AS price * 2, "
                + "event_time AS TO_TIMESTAMP_LTZ(dateTime, 3), "
                + "WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND, PRIMARY KEY (auction) NOT ENFORCED) "
                + "WITH ('connector'='kafka', 'topic'='" + topic + "', 'format'='json')");
        message("CREATE TABLE sink (auction BIGINT) WITH ('connector'='memory')");
        message("CREATE VIEW expensive AS SELECT auction, price FROM bid WHERE price > 10");

        assertEquals(List.of(new TableInfo("bid", "kafka", Optional.of(topic)), new TableInfo("sink", "memory",
                Optional.empty())), sluice.catalog().tables());

        List<ColumnInfo> columns = sluice.catalog().describe("bid");
        assertEquals(List.of(
                new ColumnInfo("auction", "BIGINT", false, ColumnInfo.Kind.COLUMN, true, Optional.empty()),
                new ColumnInfo("price", "BIGINT", true, ColumnInfo.Kind.COLUMN, false, Optional.empty())),
                columns.subList(0, 2));
        ColumnInfo eur = columns.get(3);
        assertEquals(List.of("price_eur", "COMPUTED", "AS price * 2"),
                List.of(eur.name(), eur.kind().name(), eur.extras().orElseThrow()));
        ColumnInfo eventTime = columns.get(4);
        assertEquals(ColumnInfo.Kind.COMPUTED, eventTime.kind());
        assertTrue(eventTime.extras().orElseThrow().contains("WATERMARK"), eventTime.toString());
        assertEquals(METADATA, columns.subList(5, columns.size()).stream().map(ColumnInfo::name).toList());
        assertTrue(columns.subList(5, columns.size()).stream().allMatch(c -> c.kind() == ColumnInfo.Kind.METADATA));

        assertEquals(List.of(new ColumnInfo("auction", "BIGINT", false, ColumnInfo.Kind.VIEW, false, Optional.empty()),
                new ColumnInfo("price", "BIGINT", true, ColumnInfo.Kind.VIEW, false, Optional.empty())),
                sluice.catalog().describe("expensive"));

        // DESCRIBE prints the same values.
        List<List<Object>> printed = new ArrayList<>();
        for (ColumnInfo c : columns) {
            printed.add(Arrays.asList(c.name(), c.type(), c.nullable(), c.kind().name().toLowerCase(Locale.ROOT),
                    c.primaryKey() ? "PRI" : null, c.extras().orElse(null)));
        }
        assertEquals(printed, rows("DESCRIBE bid"));
        assertEquals(List.of(Arrays.asList("bid", "kafka", topic), Arrays.asList("sink", "memory", null)),
                rows("SHOW TABLES"));

        SluiceException missing = assertThrows(SluiceException.class, () -> sluice.catalog().describe("nope"));
        assertTrue(missing.getMessage().contains("nope"), missing.getMessage());
    }

    @Test
    void aQuerysResultSaysWhetherItRunsInTheBackground() throws Exception {
        String topic = SharedKafkaBroker.createTopic("background", 1);
        SharedKafkaBroker.produce(topic, 0, null, "{\"n\": 1}");
        message("CREATE TABLE numbers (n BIGINT) WITH ('connector'='kafka', 'topic'='" + topic + "', 'format'='json')");
        message("CREATE TABLE copied (n BIGINT) WITH ('connector'='memory')");
        message("SET trigger = available-now");
        List<Long> consumed = new ArrayList<>();
        // With a consumer given, as the shell and JDBC always give one: the result, not the text, tells them apart.
        StatementResult.Query insert = (StatementResult.Query) sluice.execute(
                "/* copy */ insert into copied select stream n from numbers", batch -> consumed.add(-1L));
        assertTrue(insert.background());
        assertEquals(List.of(), insert.columns());
        assertTrue(insert.query().awaitTermination(java.time.Duration.ofSeconds(60)));
        StatementResult.Query select = (StatementResult.Query) sluice.execute("SELECT STREAM n FROM numbers",
                batch -> batch.rows().forEach(r -> consumed.add((Long) r.get(0))));
        assertFalse(select.background());
        assertEquals(List.of("n"), select.columns());
        assertTrue(select.query().awaitTermination(java.time.Duration.ofSeconds(60)));
        assertEquals(List.of(1L), consumed, "the INSERT's rows went to its table, not to the consumer");
        assertEquals(List.of(List.of(1L)), rows("SELECT n FROM copied"));
    }

    @Test
    void everyStatementKindHasItsHandler() {
        // A session builds the dispatcher, which refuses to start with a statement kind it can't run.
        for (Class<?> kind : dev.sluice.planner.ddl.SluiceStatement.class.getPermittedSubclasses()) {
            assertTrue(kind.isRecord(), kind.getName());
        }
        assertEquals("Set 'x' = 'y'.", message("SET x = y"));
        assertEquals("Reset 'x'.", message("RESET x"));
    }

    @Test
    void setChecksAndListsOptionsFromTheirDefinitions() {
        message("SET maxOffsetsPerTrigger = 10_000");
        message("SET trigger = '2 s'");
        message("SET my.own = anything");  // a key no table defines is kept, unchecked
        List<List<Object>> listed = rows("SET");
        assertEquals(List.of(
                Arrays.asList("maxOffsetsPerTrigger", "10_000", "none",
                        dev.sluice.execution.flow.FlowControlOptions.MAX_OFFSETS_PER_TRIGGER_OPTION.doc()),
                Arrays.asList("my.own", "anything", null, null),
                Arrays.asList("trigger", "2 s", "1 s", SessionOptions.TRIGGER.doc())),
                listed.stream().filter(r -> !r.get(0).equals("bootstrap.servers")).toList());
        SluiceException e = assertThrows(SluiceException.class, () -> sluice.execute("SET trigger = sometimes"));
        assertEquals("Invalid value 'sometimes' for option 'trigger': expected an interval such as '1 s' or '500 ms', "
                + "'once' or 'available-now'", e.getMessage());
        e = assertThrows(SluiceException.class, () -> sluice.execute("SET state.ttl = '0 s'"));
        assertTrue(e.getMessage().startsWith("Invalid value '0 s' for option 'state.ttl'"), e.getMessage());
        assertEquals("2 s", rows("SET").stream().filter(r -> r.get(0).equals("trigger")).findFirst().orElseThrow().get(1),
                "a refused value leaves the option as it was");
    }
}
