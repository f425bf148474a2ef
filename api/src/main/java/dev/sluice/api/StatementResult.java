package dev.sluice.api;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What a statement gave back: a message (DDL, SET), rows (a bounded query, SHOW, DESCRIBE), or a running
 * continuous query (SELECT STREAM, INSERT INTO ... SELECT STREAM).
 */
public sealed interface StatementResult {
    /** A statement that changed something and has nothing to return but a confirmation. */
    record Message(String text) implements StatementResult {
        public Message {
            requireNonNull(text, "text is null");
        }
    }

    /**
     * The complete result of a bounded statement.
     *
     * @param columns column names, in order
     * @param types SQL type names of the columns, in order
     * @param rows values as Boolean, Integer, Long, Double, String or LocalDateTime (UTC); null for NULL
     */
    record Rows(List<String> columns, List<String> types, List<List<Object>> rows) implements StatementResult {
        public Rows {
            columns = List.copyOf(columns);
            types = List.copyOf(types);
            rows = List.copyOf(rows);
        }
    }

    /**
     * A continuous query that was started and keeps running.
     *
     * @param columns names of the columns of the rows the query hands to its {@link BatchConsumer} (a
     *     {@code SELECT STREAM}); empty when it writes into a table
     * @param types SQL type names of those columns
     * @param background whether it runs on its own, writing into a table ({@code INSERT INTO ... SELECT STREAM}),
     *     rather than handing its rows to the caller's {@link BatchConsumer}, which a client then waits on
     */
    record Query(StreamingQuery query, List<String> columns, List<String> types, boolean background)
            implements StatementResult {
        public Query {
            requireNonNull(query, "query is null");
            columns = List.copyOf(columns);
            types = List.copyOf(types);
        }
    }
}
