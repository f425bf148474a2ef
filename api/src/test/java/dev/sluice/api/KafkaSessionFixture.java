package dev.sluice.api;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the end-to-end tests: a session with its own home on the shared real broker, opened before and
 * closed after each test, and shortcuts for the statements the tests run.
 */
abstract class KafkaSessionFixture {
    @TempDir
    Path home;

    Sluice sluice;

    @BeforeEach
    final void openSession() {
        sluice = Sluice.builder().home(home).bootstrapServers(SharedKafkaBroker.bootstrapServers()).build();
    }

    @AfterEach
    final void closeSession() {
        sluice.close();
    }

    /** Closes the session and opens a new one on the same home (as a restarted shell would). */
    void reopenSession() {
        sluice.close();
        openSession();
    }

    List<List<Object>> rows(String sql) {
        return ((StatementResult.Rows) sluice.execute(sql)).rows();
    }

    String message(String sql) {
        return ((StatementResult.Message) sluice.execute(sql)).text();
    }

    /** Runs a continuous query to its end (the session's trigger must be once or available-now). */
    StreamingQuery runToEnd(String sql, BatchConsumer consumer) throws InterruptedException {
        StreamingQuery q = ((StatementResult.Query) sluice.execute(sql, consumer)).query();
        if (!q.awaitTermination(Duration.ofSeconds(60))) {
            q.stop();
            throw new AssertionError("query did not end within 60 s: " + sql);
        }
        return q;
    }

    /**
     * Runs a continuous statement under the query name {@code name} to its end (trigger once or
     * available-now); a failed run is returned too, for the caller to look at {@code exception()}.
     */
    StreamingQuery runNamed(String name, String sql) throws InterruptedException {
        message("SET query.name = " + name);
        StreamingQuery q = ((StatementResult.Query) sluice.execute(sql)).query();
        try {
            org.junit.jupiter.api.Assertions.assertTrue(q.awaitTermination(Duration.ofSeconds(60)), "query ended");
        } catch (SluiceException e) {
            // A failed run: the caller looks at q.exception().
        }
        return q;
    }

    /**
     * Runs {@code sql} as query {@code name} to its end; if the run crashed as a fail-once sink makes it, runs it
     * again (a restart from its checkpoint), which must succeed. Returns whether it crashed.
     */
    boolean runRestartingOnce(String name, String sql) throws InterruptedException {
        StreamingQuery q = runNamed(name, sql);
        if (q.exception().isEmpty()) {
            return false;
        }
        org.junit.jupiter.api.Assertions.assertTrue(q.exception().get().getMessage().contains("injected crash"),
                q.exception().get().getMessage());
        StreamingQuery again = runNamed(name, sql);
        org.junit.jupiter.api.Assertions.assertTrue(again.exception().isEmpty(), () -> "" + again.exception());
        return true;
    }

    /**
     * The table a list of changes ({@code op} first: +I or -D, as SELECT STREAM gives an updating result's rows)
     * leaves, checking that each delete finds its row.
     */
    static List<List<Object>> applyChanges(List<List<Object>> changes) {
        List<List<Object>> table = new ArrayList<>();
        for (List<Object> change : changes) {
            List<Object> row = change.subList(1, change.size());
            if ("+I".equals(change.get(0))) {
                table.add(row);
            } else {
                org.junit.jupiter.api.Assertions.assertEquals("-D", change.get(0));
                org.junit.jupiter.api.Assertions.assertTrue(table.remove(row), () -> "a delete of a row not there: " + row);
            }
        }
        return table;
    }

    /** Collects the rows of every batch of a SELECT STREAM query run to its end. */
    List<List<Object>> streamRows(String sql) throws InterruptedException {
        List<List<Object>> rows = new ArrayList<>();
        runToEnd(sql, batch -> rows.addAll(batch.rows()));
        return rows;
    }

    /** A row of values, nulls allowed (List.of refuses them; SQL results have them). */
    static List<Object> row(Object... values) {
        return java.util.Arrays.asList(values);
    }
}
