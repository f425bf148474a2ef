package dev.sluice.api;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Test helpers: a session on the shared broker, and shortcuts for the statements tests run. */
final class SessionFixture {
    private SessionFixture() {
    }

    static Sluice session(Path home) {
        return Sluice.builder().home(home).bootstrapServers(SharedKafkaBroker.bootstrapServers()).build();
    }

    static List<List<Object>> rows(Sluice sluice, String sql) {
        return ((StatementResult.Rows) sluice.execute(sql)).rows();
    }

    static String message(Sluice sluice, String sql) {
        return ((StatementResult.Message) sluice.execute(sql)).text();
    }

    /** Runs a continuous query to its end (the session's trigger must be once or available-now). */
    static StreamingQuery runToEnd(Sluice sluice, String sql, BatchConsumer consumer) throws InterruptedException {
        StreamingQuery q = ((StatementResult.Query) sluice.execute(sql, consumer)).query();
        if (!q.awaitTermination(Duration.ofSeconds(60))) {
            q.stop();
            throw new AssertionError("query did not end within 60 s: " + sql);
        }
        return q;
    }

    /** Collects the rows of every batch of a SELECT STREAM query run to its end. */
    static List<List<Object>> streamRows(Sluice sluice, String sql) throws InterruptedException {
        List<List<Object>> rows = new ArrayList<>();
        runToEnd(sluice, sql, batch -> rows.addAll(batch.rows()));
        return rows;
    }

    /** A mutable list of values (List.of refuses nulls, SQL results have them). */
    static List<Object> row(Object... values) {
        return java.util.Arrays.asList(values);
    }
}
