package dev.sluice.shell;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The command line of the shell.
 *
 * @param help {@code --help}: print the usage and exit
 * @param embedded {@code --embedded}: run the demo (embedded Kafka broker, live {@code clicks} topic and table)
 * @param bootstrapServers {@code --bootstrap host:port}: the session's default Kafka bootstrap servers
 * @param home {@code --home DIR}: the Sluice home directory
 * @param execute {@code -e SQL}: statements to run instead of the interactive prompt
 * @param file {@code -f FILE}: a file of statements to run instead of the interactive prompt
 * @param ui whether to serve the status page ({@code --no-ui}: not)
 * @param uiPort {@code --ui-port N}: the status page's port (the next free one if taken; 0: any free port)
 */
public record ShellOptions(boolean help, boolean embedded, Optional<String> bootstrapServers, Optional<Path> home,
                           Optional<String> execute, Optional<Path> file, boolean ui, int uiPort) {
    /** The environment variable naming the default Sluice home. */
    public static final String HOME_VARIABLE = "SLUICE_HOME";
    /** The status page's default port (Spark's UI port). */
    public static final int DEFAULT_UI_PORT = 4040;

    public static final String USAGE = """
            Usage: sluice shell [OPTIONS]
            The Sluice SQL shell: Kafka topics as tables, continuous queries in micro-batches.

              --embedded            start an embedded Kafka broker with live click events in topic 'clicks',
                                    readable as table clicks; without --home, uses a fresh temporary home
                                    (deleted on exit except its logs/)
              --bootstrap HOST:PORT default Kafka bootstrap servers (session option bootstrap.servers)
              --home DIR            Sluice home: catalog, checkpoints, history, logs
                                    (default $SLUICE_HOME, else ~/.sluice)
              --ui-port PORT        serve the status page (queries, live charts, /metrics) on PORT, or the next
                                    free port if it is taken (default 4040)
              --no-ui               serve no status page
              -e, --execute SQL     run the statements, print their results and exit
              -f, --file FILE       run the statements of FILE, print their results and exit
              -h, --help            print this help and exit

            Without -e or -f the shell reads statements interactively (ending with ';'; quit or Ctrl-D leaves;
            Ctrl-C stops a running SELECT STREAM). With -e or -f it stops at the first failing statement, and
            before exiting waits for the continuous queries it started (Ctrl-C stops them).
            Exit codes: 0 success, 1 a statement failed, 2 invalid options.
            Logs go to <home>/logs/sluice.log.
            """;

    /** Options with the status page on its default port. */
    public ShellOptions(boolean help, boolean embedded, Optional<String> bootstrapServers, Optional<Path> home,
                        Optional<String> execute, Optional<Path> file) {
        this(help, embedded, bootstrapServers, home, execute, file, true, DEFAULT_UI_PORT);
    }

    public ShellOptions {
        requireNonNull(bootstrapServers, "bootstrapServers is null");
        requireNonNull(home, "home is null");
        requireNonNull(execute, "execute is null");
        requireNonNull(file, "file is null");
    }

    /**
     * Parses command line arguments; options with a value take it as the next argument or after {@code =}
     * ({@code --home=/data/sluice}).
     *
     * @throws InvalidOptionsException naming the offending option
     */
    public static ShellOptions parse(List<String> args) {
        boolean help = false;
        boolean embedded = false;
        Optional<String> bootstrapServers = Optional.empty();
        Optional<Path> home = Optional.empty();
        Optional<String> execute = Optional.empty();
        Optional<Path> file = Optional.empty();
        boolean noUi = false;
        Optional<Integer> uiPort = Optional.empty();
        Deque<String> remaining = new ArrayDeque<>(args);
        while (!remaining.isEmpty()) {
            String arg = remaining.removeFirst();
            String name = arg;
            Optional<String> inlineValue = Optional.empty();
            if (arg.startsWith("--") && arg.contains("=")) {
                name = arg.substring(0, arg.indexOf('='));
                inlineValue = Optional.of(arg.substring(arg.indexOf('=') + 1));
            }
            switch (name) {
                case "-h", "--help" -> help = flag(name, inlineValue);
                case "--embedded" -> embedded = flag(name, inlineValue);
                case "--bootstrap" -> bootstrapServers = once(name, bootstrapServers, value(name, inlineValue, remaining));
                case "--home" -> home = once(name, home, Path.of(value(name, inlineValue, remaining)));
                case "-e", "--execute" -> execute = once(name, execute, value(name, inlineValue, remaining));
                case "-f", "--file" -> file = once(name, file, Path.of(value(name, inlineValue, remaining)));
                case "--no-ui" -> noUi = flag(name, inlineValue);
                case "--ui-port" -> uiPort = once(name, uiPort, port(name, value(name, inlineValue, remaining)));
                default -> throw new InvalidOptionsException(arg.startsWith("-")
                        ? "Unknown option: " + name
                        : "Unexpected argument: " + arg + " (statements go in -e or -f)");
            }
        }
        if (execute.isPresent() && file.isPresent()) {
            throw new InvalidOptionsException("Options -e and -f exclude each other");
        }
        if (embedded && bootstrapServers.isPresent()) {
            throw new InvalidOptionsException("Options --embedded and --bootstrap exclude each other: "
                    + "--embedded uses its own broker");
        }
        if (noUi && uiPort.isPresent()) {
            throw new InvalidOptionsException("Options --no-ui and --ui-port exclude each other");
        }
        return new ShellOptions(help, embedded, bootstrapServers, home, execute, file, !noUi, uiPort.orElse(DEFAULT_UI_PORT));
    }

    private static int port(String name, String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new InvalidOptionsException("Option " + name + " needs a port number (0 to 65535), not '" + value + "'");
    }

    /** Whether statements come from {@code -e} or {@code -f} rather than from the prompt. */
    public boolean isBatch() {
        return execute.isPresent() || file.isPresent();
    }

    /**
     * The home directory the user asked for: {@code --home}, else (unless {@code --embedded}, which then
     * uses a temporary home) {@code $SLUICE_HOME}, else {@code ~/.sluice}.
     *
     * @param environment the process environment ({@link System#getenv()})
     * @param userHome the user's home directory ({@code user.home})
     * @return empty if the shell should use a fresh temporary home
     */
    public Optional<Path> configuredHome(Map<String, String> environment, Path userHome) {
        if (home.isPresent() || embedded) {
            return home;
        }
        String variable = environment.get(HOME_VARIABLE);
        return Optional.of(variable != null && !variable.isBlank() ? Path.of(variable) : userHome.resolve(".sluice"));
    }

    private static boolean flag(String name, Optional<String> inlineValue) {
        if (inlineValue.isPresent()) {
            throw new InvalidOptionsException("Option " + name + " takes no value");
        }
        return true;
    }

    private static String value(String name, Optional<String> inlineValue, Deque<String> remaining) {
        String value = inlineValue.orElseGet(() -> remaining.isEmpty() ? "" : remaining.removeFirst());
        if (value.isEmpty()) {
            throw new InvalidOptionsException("Option " + name + " needs a value");
        }
        return value;
    }

    private static <T> Optional<T> once(String name, Optional<T> previous, T value) {
        if (previous.isPresent()) {
            throw new InvalidOptionsException("Option " + name + " given twice");
        }
        return Optional.of(value);
    }
}
