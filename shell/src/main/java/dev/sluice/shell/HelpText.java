package dev.sluice.shell;

import dev.sluice.api.SessionOptions;

/** What {@code HELP} prints: the statements, the session options (from {@link SessionOptions}) and the shell's keys. */
final class HelpText {
    static final String TEXT = """
            Statements (end each with ;):
              CREATE TABLE [IF NOT EXISTS] t (col TYPE, ...) WITH ('connector'='kafka', 'topic'='...', 'format'='json')
              DROP TABLE [IF EXISTS] t            SHOW TABLES            DESCRIBE t
              CREATE VIEW [IF NOT EXISTS] v AS SELECT ...   DROP VIEW [IF EXISTS] v   SHOW VIEWS
              SELECT ... FROM t [WHERE ...] [GROUP BY ...] [LIMIT n]     bounded: the offsets present now
              SELECT STREAM ... FROM t ...        continuous: batches print as they come, Ctrl-C stops,
                                                  Ctrl-Z sends it to the background
              SELECT STREAM TUMBLE_END(ts, INTERVAL '5' SECOND), COUNT(*) FROM t GROUP BY TUMBLE(ts, INTERVAL '5' SECOND)
                                                  a window over event time ts (a TIMESTAMP with a WATERMARK)
              INSERT INTO t SELECT STREAM ...     continuous, in the background
              SHOW QUERIES                        STOP QUERY name
              EXPLAIN <query>                     the logical and physical plans
              SET key = value    SET (list)    RESET key
            """ + "Session options (SET; each one's meaning: SET lists them, docs/user-guide.md and docs/operations.md):\n"
            + SessionOptions.ALL.helpText("  ") + """
            Long results page: Space next page, Enter next line, q quit.
            Keys: Tab completes keywords, tables and columns; Ctrl-C stops the running statement;
            Ctrl-D or quit leaves. Status page (queries, live charts, /metrics): http://localhost:4040 unless
            --no-ui or --ui-port (the shell prints its address at start). Docs: docs/user-guide.md, docs/operations.md.""";

    private HelpText() {
    }
}
