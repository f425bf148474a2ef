package dev.sluice.shell;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.shell.logging.LogConfiguration;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice shell} in batch mode ({@code -e}, {@code -f}) against a real session. */
class SluiceShellTest {
    @TempDir
    Path home;

    @Test
    void helpStatementListsStatementsAndOptions() {
        ShellRun run = ShellRun.of("--home", home.toString(), "-e", "HELP");
        assertEquals(SluiceShell.SUCCESS, run.exitCode());
        assertEquals(HelpText.TEXT + "\n", run.out());
        assertTrue(run.out().contains("SELECT STREAM") && run.out().contains("maxOffsetsPerTrigger"), run.out());
    }

    @Test
    void helpPrintsUsage() {
        ShellRun run = ShellRun.of("--help");
        assertEquals(SluiceShell.SUCCESS, run.exitCode());
        assertEquals(ShellOptions.USAGE, run.out());
        assertEquals("", run.err());
    }

    @Test
    void invalidOptionsExitWithUsageError() {
        ShellRun run = ShellRun.of("--home", home.toString(), "--bogus");
        assertEquals(SluiceShell.USAGE_ERROR, run.exitCode());
        assertEquals("", run.out());
        assertEquals("ERROR: Unknown option: --bogus\nTry 'sluice shell --help'.\n", run.err());
    }

    @Test
    void missingFileFails() {
        Path missing = home.resolve("missing.sql");
        ShellRun run = ShellRun.of("--home", home.toString(), "-f", missing.toString());
        assertEquals(SluiceShell.FAILURE, run.exitCode());
        assertEquals("", run.out());
        assertEquals("ERROR: File not found: " + missing + "\n", run.err());
    }

    @Test
    void homeThatCannotBeCreatedFails() throws IOException {
        Path file = Files.writeString(home.resolve("not-a-directory"), "");
        ShellRun run = ShellRun.of("--home", file.resolve("home").toString(), "-e", "SHOW TABLES");
        assertEquals(SluiceShell.FAILURE, run.exitCode());
        assertEquals("", run.out());
        assertEquals("ERROR: Cannot create the Sluice home: java.nio.file.FileSystemException: " + file.resolve("home")
                + ": Not a directory\n", run.err());
    }

    @Test
    void showTablesOnEmptyHome() {
        ShellRun run = ShellRun.of("--home", home.toString(), "-e", "SHOW TABLES");
        assertEquals("", run.err());
        assertEquals("""
                 name | connector | topic
                ------+-----------+-------
                (0 rows)
                """, run.out());
        assertEquals(SluiceShell.SUCCESS, run.exitCode());
    }

    @Test
    void firstFailingStatementEndsTheRunWithItsPositionedError() throws IOException {
        ShellRun run = ShellRun.of("--home", home.toString(), "-e", "SHOW TABLES; SHOW TABELS; SHOW TABLES;");
        assertEquals(SluiceShell.FAILURE, run.exitCode());
        assertEquals("""
                 name | connector | topic
                ------+-----------+-------
                (0 rows)
                """, run.out());
        // The message, then the statement's line with a caret under the token at fault.
        assertEquals("ERROR: At line 1, column 6: Expected TABLES, VIEWS, QUERIES, CREATE TABLE or CREATE VIEW after SHOW, found 'TABELS'\n"
                + "SHOW TABELS\n"
                + "     ^\n", run.err());
        // The user gets the message; the log gets the statement and its kind, and no stack trace: it is the user's
        // error, not a bug (an internal one is logged with its stack trace: api's ErrorKindIT).
        String log = Files.readString(LogConfiguration.logFile(home));
        assertTrue(log.contains("Statement failed (USER_ERROR): SHOW TABELS: At line 1, column 6"), log);
        assertFalse(log.contains("\tat "), log);
    }

    @Test
    void createAndDescribeTableFromFile() throws IOException {
        Path script = home.resolve("tables.sql");
        Files.writeString(script, """
                -- A memory table, then what the catalog says about it.
                CREATE TABLE t (a INT, b VARCHAR)
                  WITH ('connector'='memory');
                DESCRIBE t;

                SHOW TABLES""");
        ShellRun run = ShellRun.of("--home", home.toString(), "-f", script.toString());
        assertEquals("", run.err());
        assertEquals("""
                Table 't' created.
                 name |  type   | nullable |  kind  | key  | extras
                ------+---------+----------+--------+------+--------
                 a    | INTEGER | true     | column | NULL | NULL
                 b    | VARCHAR | true     | column | NULL | NULL
                (2 rows)
                 name | connector | topic
                ------+-----------+-------
                 t    | memory    | NULL
                (1 row)
                """, run.out());
        assertEquals(SluiceShell.SUCCESS, run.exitCode());

        // The catalog outlives the session.
        ShellRun again = ShellRun.of("--home", home.toString(), "-e", "DROP TABLE t; SHOW TABLES");
        assertEquals("", again.err());
        assertEquals("""
                Table 't' dropped.
                 name | connector | topic
                ------+-----------+-------
                (0 rows)
                """, again.out());
    }

    /** One run of the shell, with what it printed. */
    record ShellRun(int exitCode, String out, String err) {
        static ShellRun of(String... args) {
            return withInput("", args);
        }

        static ShellRun withInput(String input, String... args) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int exitCode;
            try (PrintStream outStream = new PrintStream(out, true, UTF_8);
                    PrintStream errStream = new PrintStream(err, true, UTF_8)) {
                exitCode = SluiceShell.run(args, new ByteArrayInputStream(input.getBytes(UTF_8)), outStream, errStream);
            }
            return new ShellRun(exitCode, normalize(out), normalize(err));
        }

        private static String normalize(ByteArrayOutputStream bytes) {
            return bytes.toString(UTF_8).replace(System.lineSeparator(), "\n");
        }
    }
}
