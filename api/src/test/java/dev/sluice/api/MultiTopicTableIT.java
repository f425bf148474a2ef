package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A running query over a 'topic-pattern' table picks up a topic created while it runs. */
class MultiTopicTableIT extends KafkaSessionFixture {
    @Test
    void continuousQueryPicksUpANewMatchingTopic() throws Exception {
        String prefix = "orders-" + System.nanoTime();
        String first = SharedKafkaBroker.createTopic(prefix + "-kr", 1);
        SharedKafkaBroker.produce(first, 0, null, "{\"id\": 1}");
        message("CREATE TABLE orders (id INT) WITH ('connector'='kafka', 'topic-pattern'='" + prefix + "-.*', "
                + "'format'='json')");
        message("CREATE TABLE seen (id INT, src VARCHAR) WITH ('connector'='memory')");
        message("SET trigger = 100 ms");
        StreamingQuery q = ((StatementResult.Query) sluice.execute(
                "INSERT INTO seen SELECT STREAM id, \"topic\" FROM orders")).query();
        String second;
        try {
            SqlQueryIT.waitFor(() -> rows("SELECT * FROM seen").contains(List.of(1, first)));
            second = SharedKafkaBroker.createTopic(prefix + "-us", 2);
            SharedKafkaBroker.produce(second, 1, null, "{\"id\": 2}");
            String created = second;
            SqlQueryIT.waitFor(() -> rows("SELECT * FROM seen").contains(List.of(2, created)));
        } finally {
            q.stop();
        }
        // The new topic's partitions are in the offsets of the last batch, beside the first topic's.
        assertTrue(q.lastProgress().orElseThrow().endOffsets().get("orders").keySet()
                .containsAll(List.of(first + "-0", second + "-0", second + "-1")));
    }
}
