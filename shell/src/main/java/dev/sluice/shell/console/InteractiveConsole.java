package dev.sluice.shell.console;

import static java.util.Objects.requireNonNull;

import dev.sluice.shell.StatementRunner;
import dev.sluice.shell.StatementSplitter;
import org.jline.reader.EndOfFileException;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.Terminal.Signal;
import org.jline.terminal.Terminal.SignalHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The interactive loop: reads statements, runs them, until {@code quit}, {@code exit} or end of input.
 *
 * <p>Ctrl-C while typing discards the input; Ctrl-C while a statement runs interrupts the thread running
 * it, which stops a foreground {@code SELECT STREAM} and returns to the prompt; Ctrl-Z sends that query to
 * the background and returns to the prompt. A failing statement prints
 * its error and skips the rest of that input.
 */
public final class InteractiveConsole {
    private static final Logger log = LoggerFactory.getLogger(InteractiveConsole.class);

    private final Terminal terminal;
    private final InputReader input;
    private final StatementRunner runner;

    public InteractiveConsole(Terminal terminal, InputReader input, StatementRunner runner) {
        this.terminal = requireNonNull(terminal, "terminal is null");
        this.input = requireNonNull(input, "input is null");
        this.runner = requireNonNull(runner, "runner is null");
    }

    /** Runs until the user leaves. */
    public void run() {
        Thread thread = Thread.currentThread();
        // While reading a line JLine handles Ctrl-C itself (UserInterruptException); this is for the rest.
        SignalHandler previous = terminal.handle(Signal.INT, signal -> thread.interrupt());
        // Ctrl-Z sends a running SELECT STREAM to the background instead of suspending the shell.
        SignalHandler previousSuspend = terminal.handle(Signal.TSTP, signal -> runner.sendToBackground());
        try {
            while (true) {
                String text;
                try {
                    text = input.readStatements();
                }
                catch (UserInterruptException e) {
                    continue;
                }
                catch (EndOfFileException e) {
                    log.debug("End of input");
                    return;
                }
                if (InputParser.isExitCommand(text)) {
                    return;
                }
                runner.runAll(StatementSplitter.split(text).statements());
            }
        }
        finally {
            terminal.handle(Signal.INT, previous);
            terminal.handle(Signal.TSTP, previousSuspend);
        }
    }
}
