package dev.sluice.shell;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.api.Sluice;
import dev.sluice.shell.SluiceShellTest.ShellRun;
import dev.sluice.shell.console.InputReader;
import dev.sluice.shell.console.InteractiveConsole;
import dev.sluice.demo.EmbeddedDemo;
import dev.sluice.shell.printer.AlignedTablePrinter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo ({@code --embedded}): a real in-process broker with live click events. */
class SluiceShellEmbeddedIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path home;

    @Test
    void embeddedDemoRegistersClicksTable() {
        ShellRun run = ShellRun.of("--embedded", "--home", home.toString(), "-e", "SHOW TABLES");
        assertEquals("", run.err());
        assertEquals("""
                  name  | connector | topic
                --------+-----------+--------
                 clicks | kafka     | clicks
                (1 row)
                """, run.out());
        assertEquals(SluiceShell.SUCCESS, run.exitCode());
    }

    /** The welcome text's window query runs as typed: clicks.ts is event time with a watermark. */
    @Test
    void theDemoWindowQueryRunsAsTyped() {
        ShellRun run = ShellRun.of("--embedded", "--home", home.toString(), "-e",
                "DESCRIBE clicks; SET trigger = 'available-now'; " + EmbeddedDemo.WINDOW_QUERY);
        assertEquals("", run.err());
        assertEquals(SluiceShell.SUCCESS, run.exitCode(), run.out());
        assertTrue(Pattern.compile("^ ts +\\| TIMESTAMP", Pattern.MULTILINE).matcher(run.out()).find(), run.out());
        // Windows of 5 s: each row's end is on a multiple of 5 seconds, with at least one click in it.
        Matcher row = Pattern.compile("^ (\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:(\\d\\d)(?:\\.000)?) +\\| +(\\d+) +\\| ",
                Pattern.MULTILINE).matcher(run.out());
        int rows = 0;
        while (row.find()) {
            rows++;
            assertEquals(0, Integer.parseInt(row.group(2)) % 5, row.group());
            assertTrue(Long.parseLong(row.group(3)) > 0, row.group());
        }
        assertTrue(rows > 0, run.out());
        assertTrue(Pattern.compile("^ +window_end +\\| +clicks +\\| +revenue", Pattern.MULTILINE).matcher(run.out()).find(),
                run.out());
    }

    @Test
    void scriptWaitsForTheContinuousQueriesItStarted() throws IOException {
        ShellRun run = ShellRun.of("--embedded", "--home", home.toString(), "-e", """
                SET trigger = 'available-now';
                CREATE TABLE big (page VARCHAR) WITH ('connector'='memory');
                INSERT INTO big SELECT STREAM page FROM clicks WHERE amount > 90;
                """);
        assertEquals("", run.err());
        Matcher output = Pattern.compile("Set 'trigger' = 'available-now'\\.\nTable 'big' created\\.\n"
                + "Started query (insert_big_\\w+) \\(id [0-9a-f-]+\\)\n").matcher(run.out());
        assertTrue(output.matches(), run.out());
        assertEquals(SluiceShell.SUCCESS, run.exitCode());
        // The shell exited after the query's batch committed, not by stopping it first.
        try (Stream<Path> commits = Files.list(home.resolve("checkpoints").resolve(output.group(1)).resolve("commits"))) {
            assertEquals(List.of("0"), commits.map(commit -> commit.getFileName().toString()).toList());
        }
    }

    @Test
    void ctrlCStopsStreamingQueryAndReturnsToPrompt() throws Exception {
        try (EmbeddedDemo demo = EmbeddedDemo.start();
                Sluice sluice = Sluice.builder().home(home).bootstrapServers(demo.bootstrapServers()).build();
                PipedOutputStream keyboard = new PipedOutputStream();
                PipedInputStream in = new PipedInputStream(keyboard)) {
            demo.registerTable(sluice);
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            try (Terminal terminal = new DumbTerminal("test", Terminal.TYPE_DUMB, in, output, UTF_8);
                    InputReader input = new InputReader(terminal, home.resolve("history"))) {
                PrintWriter writer = terminal.writer();
                StatementRunner runner = new StatementRunner(sluice, new AlignedTablePrinter(writer), writer, writer);
                Thread console = new Thread(new InteractiveConsole(terminal, input, runner)::run, "console");
                console.start();

                type(keyboard, "SELECT STREAM page FROM clicks;\n");
                awaitOutput(output, Pattern.compile("\\(\\d+ rows?\\)\n"));
                assertEquals(1, sluice.activeQueries().size());

                terminal.raise(Terminal.Signal.INT);
                awaitOutput(output, Pattern.compile("Query \\S+ stopped\\.\n"));
                assertEquals(0, sluice.activeQueries().size());

                type(keyboard, "quit\n");
                console.join(TIMEOUT.toMillis());
                assertFalse(console.isAlive());
            }
            String text = output.toString(UTF_8);
            // Each batch prints as its own table of pages.
            assertTrue(Pattern.compile("^sluice> Batch \\d+\n page\n-+\n( /p/\\d+\n)+\\(\\d+ rows?\\)\n", Pattern.MULTILINE)
                    .matcher(text).find(), text);
            assertTrue(text.endsWith("stopped.\nsluice> "), text);
        }
    }

    private static void type(PipedOutputStream keyboard, String text) throws IOException {
        keyboard.write(text.getBytes(UTF_8));
        keyboard.flush();
    }

    private static void awaitOutput(ByteArrayOutputStream output, Pattern pattern) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            String text = output.toString(UTF_8);
            if (pattern.matcher(text).find()) {
                return;
            }
            if (text.contains("ERROR:")) {
                throw new AssertionError("Error instead of " + pattern + ":\n" + text);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("No " + pattern + " in the output after " + TIMEOUT + ":\n" + output.toString(UTF_8));
    }
}
