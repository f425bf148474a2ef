package dev.sluice.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.shell.SluiceShellTest.ShellRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice shell} at its prompt, typed to through a dumb terminal over the test's streams. */
class SluiceShellInteractiveTest {
    private static final String TABLES = """
             name | connector | topic
            ------+-----------+-------
            (0 rows)
            """;

    @TempDir
    Path home;

    @Test
    void runsStatementTypedOverTwoLines() throws IOException {
        ShellRun run = ShellRun.withInput("SHOW\n  TABLES;\nquit\n", "--home", home.toString(), "--no-ui");
        assertEquals(SluiceShell.SUCCESS, run.exitCode());
        // A dumb terminal doesn't echo what's typed: the output is the prompts and the results.
        assertEquals("Type statements ending with ';', quit to leave.\nsluice> " + TABLES + "sluice> ", run.out());
        assertEquals("", run.err());
        assertEquals("SHOW\\n  TABLES;\nquit\n", Files.readString(home.resolve("history")));
    }

    @Test
    void errorDoesNotLeaveTheShell() {
        ShellRun run = ShellRun.withInput("SHOW TABELS; SHOW TABLES;\nSHOW TABLES;\n", "--home", home.toString(), "--no-ui");
        // End of input leaves like quit.
        assertEquals(SluiceShell.SUCCESS, run.exitCode());
        assertEquals("Type statements ending with ';', quit to leave.\n"
                + "sluice> ERROR: At line 1, column 6: Expected TABLES, VIEWS, QUERIES, CREATE TABLE or CREATE VIEW after SHOW, found 'TABELS'\n"
                + "SHOW TABELS\n"
                + "     ^\n"
                + "sluice> " + TABLES
                + "sluice> ", run.out());
        assertEquals("", run.err());
    }

    @Test
    void printsTheStatusPageAddressAtStart() {
        ShellRun run = ShellRun.withInput("SHOW TABLES;\n", "--home", home.toString(), "--ui-port", "0");
        assertEquals(SluiceShell.SUCCESS, run.exitCode());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^Status page: (http://localhost:(\\d+)) \\(queries, live "
                + "charts; \\1/metrics for Prometheus\\)\nType statements").matcher(run.out());
        org.junit.jupiter.api.Assertions.assertTrue(m.find(), run.out());
        org.junit.jupiter.api.Assertions.assertNotEquals("0", m.group(2));
        assertEquals("", run.err());
    }
}
