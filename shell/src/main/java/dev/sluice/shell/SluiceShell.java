package dev.sluice.shell;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.sluice.api.Sluice;
import dev.sluice.shell.console.InputReader;
import dev.sluice.shell.console.SqlCompleter;
import dev.sluice.shell.console.InteractiveConsole;
import dev.sluice.demo.EmbeddedDemo;
import dev.sluice.shell.logging.LogConfiguration;
import dev.sluice.shell.console.Pager;
import dev.sluice.shell.printer.AlignedTablePrinter;
import dev.sluice.shell.printer.PagedTablePrinter;
import dev.sluice.shell.printer.ResultPrinter;
import dev.sluice.ui.StatusServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.terminal.impl.DumbTerminal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code sluice shell} command: runs SQL statements from {@code -e}, {@code -f}, piped standard input or
 * an interactive prompt against a Sluice session. See {@link ShellOptions#USAGE}.
 */
public final class SluiceShell {
    /** Exit code: everything ran. */
    public static final int SUCCESS = 0;
    /** Exit code: a statement (or the session) failed. */
    public static final int FAILURE = 1;
    /** Exit code: invalid command line. */
    public static final int USAGE_ERROR = 2;

    private SluiceShell() {
    }

    public static void main(String[] args) {
        // A failure on another thread (a query's, Kafka's) goes to the log, not over the user's screen.
        Thread.setDefaultUncaughtExceptionHandler((thread, failure) ->
                LoggerFactory.getLogger(SluiceShell.class).error("Uncaught failure in thread {}", thread.getName(), failure));
        System.exit(run(args, System.in, System.out, System.err));
    }

    /**
     * Runs the shell. Interactive mode reads from a system terminal when given {@link System#in} and
     * {@link System#out}, and from a dumb terminal over {@code in} and {@code out} otherwise.
     *
     * @return the exit code: {@link #SUCCESS}, {@link #FAILURE} or {@link #USAGE_ERROR}
     */
    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        ShellOptions options;
        try {
            options = ShellOptions.parse(List.of(args));
        }
        catch (InvalidOptionsException e) {
            err.println("ERROR: " + e.getMessage());
            err.println("Try 'sluice shell --help'.");
            return USAGE_ERROR;
        }
        if (options.help()) {
            out.print(ShellOptions.USAGE);
            out.flush();
            return SUCCESS;
        }

        Optional<Path> configuredHome = options.configuredHome(System.getenv(), Path.of(System.getProperty("user.home")));
        // Statements are read before anything starts, so a missing file fails fast.
        Optional<String> script;
        try {
            script = readScript(options, in);
        }
        catch (UncheckedIOException e) {
            err.println("ERROR: " + e.getMessage());
            return FAILURE;
        }

        PrintWriter outWriter = new PrintWriter(new OutputStreamWriter(out, UTF_8));
        PrintWriter errWriter = new PrintWriter(new OutputStreamWriter(err, UTF_8));
        try (TemporaryHome temporaryHome = configuredHome.isEmpty() ? TemporaryHome.create() : null) {
            Path home = (temporaryHome != null ? temporaryHome.path() : configuredHome.get()).toAbsolutePath();
            Files.createDirectories(home);
            LogConfiguration.logTo(home);
            Logger log = LoggerFactory.getLogger(SluiceShell.class);
            log.info("Starting the shell: home {}, options {}", home, options);
            try (EmbeddedDemo demo = options.embedded() ? EmbeddedDemo.start() : null;
                    Sluice sluice = openSession(options, home, demo);
                    StatusServer statusPage = startStatusPage(options, sluice)) {
                if (demo != null) {
                    demo.registerTable(sluice);
                }
                if (script.isPresent()) {
                    ResultPrinter printer = new AlignedTablePrinter(outWriter);
                    return runScript(script.get(), new StatementRunner(sluice, printer, outWriter, errWriter), sluice);
                }
                runInteractive(sluice, home, demo, statusPage, in, out);
                return SUCCESS;
            }
            catch (IOException e) {
                log.error("The shell failed", e);
                errWriter.println("ERROR: " + e.getMessage());
                return FAILURE;
            }
            catch (RuntimeException | Error e) {
                log.error("The shell failed", e);
                errWriter.println("ERROR: " + StatementRunner.errorMessage(e));
                return FAILURE;
            }
        }
        catch (IOException | UncheckedIOException e) {
            // No home, so no log either: the message is all there is.
            errWriter.println("ERROR: Cannot create the Sluice home: " + (e instanceof UncheckedIOException u ? u.getCause() : e));
            return FAILURE;
        }
        finally {
            outWriter.flush();
            errWriter.flush();
        }
    }

    /** The statements of batch mode ({@code -e}, {@code -f} or piped standard input); empty for the prompt. */
    private static Optional<String> readScript(ShellOptions options, InputStream in) {
        if (options.execute().isPresent()) {
            return options.execute();
        }
        try {
            if (options.file().isPresent()) {
                return Optional.of(Files.readString(options.file().get(), UTF_8));
            }
            if (in == System.in && System.console() == null) {
                // Not a terminal (sluice shell < script.sql): run what's piped in as a script.
                return Optional.of(new String(in.readAllBytes(), UTF_8));
            }
            return Optional.empty();
        }
        catch (NoSuchFileException e) {
            throw new UncheckedIOException("File not found: " + e.getFile(), e);
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + options.file().map(Path::toString).orElse("standard input")
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * The status page, unless {@code --no-ui}; its address is logged (and shown at the prompt). A page that can't
     * start (every port taken) is reported, and the shell goes on without it.
     */
    private static StatusServer startStatusPage(ShellOptions options, Sluice sluice) {
        if (!options.ui()) {
            return null;
        }
        try {
            return StatusServer.start(sluice, "localhost", options.uiPort());
        }
        catch (RuntimeException e) {
            LoggerFactory.getLogger(SluiceShell.class).warn("No status page: {}", e.getMessage());
            return null;
        }
    }

    private static Sluice openSession(ShellOptions options, Path home, EmbeddedDemo demo) {
        Sluice.Builder builder = Sluice.builder().home(home);
        options.bootstrapServers().ifPresent(builder::bootstrapServers);
        if (demo != null) {
            builder.bootstrapServers(demo.bootstrapServers());
        }
        return builder.build();
    }

    /**
     * Runs a script's statements up to the first failure (its partial last statement too: a script needn't
     * end with a semicolon), then waits for the continuous queries it started.
     */
    private static int runScript(String script, StatementRunner runner, Sluice sluice) {
        StatementSplitter.Split split = StatementSplitter.split(script);
        List<String> statements = new ArrayList<>(split.statements());
        if (!split.isComplete()) {
            statements.add(split.partialStatement());
        }
        // On Ctrl-C (or kill) stop the queries gracefully: their last batch commits.
        Thread stopQueries = new Thread(sluice::close, "sluice-shell-shutdown");
        Runtime.getRuntime().addShutdownHook(stopQueries);
        try {
            return runner.runAll(statements) && runner.awaitActiveQueries() ? SUCCESS : FAILURE;
        }
        finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopQueries);
            }
            catch (IllegalStateException e) {
                // Already shutting down: the hook is running.
            }
        }
    }

    private static void runInteractive(Sluice sluice, Path home, EmbeddedDemo demo, StatusServer statusPage,
                                       InputStream in, PrintStream out) throws IOException {
        try (Terminal terminal = openTerminal(in, out)) {
            runInteractive(sluice, home, demo, statusPage, terminal);
        }
    }

    /** The prompt on {@code terminal}, until the user leaves; then the session's queries are stopped. */
    static void runInteractive(Sluice sluice, Path home, EmbeddedDemo demo, Terminal terminal) throws IOException {
        runInteractive(sluice, home, demo, null, terminal);
    }

    /** As {@link #runInteractive(Sluice, Path, EmbeddedDemo, Terminal)}, telling where the status page is. */
    static void runInteractive(Sluice sluice, Path home, EmbeddedDemo demo, StatusServer statusPage, Terminal terminal)
            throws IOException {
        try (InputReader input = new InputReader(terminal, home.resolve("history"), new SqlCompleter(sluice))) {
            PrintWriter writer = terminal.writer();
            if (demo != null) {
                writer.print(demo.banner());
            }
            if (statusPage != null) {
                writer.println("Status page: " + statusPage.url() + " (queries, live charts; " + statusPage.url()
                        + "/metrics for Prometheus)");
            }
            writer.println("Type statements ending with ';', quit to leave.");
            writer.flush();
            ResultPrinter printer = new PagedTablePrinter(new Pager(terminal), writer);
            new InteractiveConsole(terminal, input, new StatementRunner(sluice, printer, writer, writer)).run();
            int running = sluice.activeQueries().size();
            if (running > 0) {
                writer.println("Stopping " + running + (running == 1 ? " query." : " queries."));
                writer.flush();
            }
        }
    }

    private static Terminal openTerminal(InputStream in, PrintStream out) throws IOException {
        if (in == System.in && out == System.out) {
            // dumb(true): without a real terminal, fall back quietly.
            return TerminalBuilder.builder().name("sluice").system(true).dumb(true).build();
        }
        return new DumbTerminal("sluice", Terminal.TYPE_DUMB, in, out, UTF_8);
    }
}
