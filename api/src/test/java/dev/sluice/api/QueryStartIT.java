package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A continuous query's start: its sink opens on a thread of its own while its sources open, and its EXPLAIN text is
 * made when first asked for. A sink that can't open fails the INSERT with its own error, and leaves no query behind.
 */
class QueryStartIT extends KafkaSessionFixture {
    @Test
    void aSinkThatCantOpenFailsTheInsertWithItsErrorAndLeavesNoQuery() throws InterruptedException {
        String in = SharedKafkaBroker.createTopic("start-in", 2);
        SharedKafkaBroker.produceValues(in, 0, "{\"id\": 1}", "{\"id\": 2}");
        String missing = "start-missing-" + System.nanoTime();
        message("CREATE TABLE start_in (id BIGINT) WITH ('connector'='kafka', 'topic'='" + in + "', 'format'='json', "
                + "'scan.startup.mode'='earliest')");
        message("CREATE TABLE start_out (id BIGINT) WITH ('connector'='kafka', 'topic'='" + missing
                + "', 'format'='json')");
        String insert = "INSERT INTO start_out SELECT STREAM id FROM start_in";
        SluiceException e = assertThrows(SluiceException.class, () -> sluice.execute(insert));
        assertTrue(e.getMessage().contains(missing), e.getMessage());
        assertEquals(List.of(), sluice.activeQueries());

        // The same statement (the same query name) starts once the topic is there: nothing of the failed start is left.
        SharedKafkaBroker.broker().createTopic(missing, 1);
        message("SET trigger = available-now");
        StreamingQuery q = ((StatementResult.Query) sluice.execute(insert)).query();
        assertTrue(q.awaitTermination(Duration.ofSeconds(60)));
        assertEquals(List.of("{\"id\":1}", "{\"id\":2}"), SharedKafkaBroker.readValues(missing).stream().sorted().toList());
    }

    @Test
    void aRunningQueryExplainsItselfAsExplainDoes() {
        String in = SharedKafkaBroker.createTopic("start-explain", 1);
        message("CREATE TABLE explain_in (id BIGINT, amount DOUBLE) WITH ('connector'='kafka', 'topic'='" + in
                + "', 'format'='json')");
        message("CREATE TABLE explain_out (id BIGINT) WITH ('connector'='blackhole')");
        String insert = "INSERT INTO explain_out SELECT STREAM id FROM explain_in WHERE amount > 50";
        StreamingQuery q = ((StatementResult.Query) sluice.execute(insert)).query();
        try {
            // Asked after the start, as the running query is: its checkpoint directory exists (a URI ending in '/').
            String expected = ((StatementResult.Message) sluice.execute("EXPLAIN " + insert)).text();
            assertEquals(expected, q.explain());
            assertEquals(expected, q.explain());
        } finally {
            q.stop();
        }
    }
}
