package dev.sluice.shell.console;

import static java.util.Objects.requireNonNull;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.History;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.completer.NullCompleter;
import org.jline.reader.impl.history.DefaultHistory;
import org.jline.terminal.Terminal;

/**
 * Reads the user's input, statement by statement, with line editing and a history persisted in a file.
 * Owns the JLine {@link LineReader}; closing it saves the history (the terminal stays open: it belongs to
 * the caller). Completion and highlighting plug in here, on the {@link LineReaderBuilder}.
 */
public final class InputReader implements Closeable {
    public static final String PROMPT = "sluice> ";
    public static final String CONTINUATION_PROMPT = "     -> ";

    private final LineReader reader;

    /**
     * @param terminal where to read from and echo to
     * @param historyFile where the history is loaded from and saved (its directory must exist)
     */
    public InputReader(Terminal terminal, Path historyFile) {
        this(terminal, historyFile, new NullCompleter());
    }

    /**
     * @param terminal where to read from and echo to
     * @param historyFile where the history is loaded from and saved (its directory must exist)
     * @param completer what Tab offers (e.g. {@link SqlCompleter})
     */
    public InputReader(Terminal terminal, Path historyFile, Completer completer) {
        requireNonNull(terminal, "terminal is null");
        requireNonNull(historyFile, "historyFile is null");
        requireNonNull(completer, "completer is null");
        this.reader = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("sluice")
                .parser(new InputParser())
                .completer(completer)
                .highlighter(new SqlHighlighter())
                .history(new DefaultHistory())
                .variable(LineReader.HISTORY_FILE, historyFile)
                .variable(LineReader.SECONDARY_PROMPT_PATTERN, CONTINUATION_PROMPT)
                // '!' is SQL ("a != b"), not a history reference.
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .option(LineReader.Option.HISTORY_TIMESTAMPED, false)
                .build();
        // Load the history now rather than on the first read, so it's there to look at (and to save) at once.
        reader.getHistory().attach(reader);
    }

    /**
     * Reads input up to a complete statement (one or more lines, ending with {@code ;}), a blank line or a
     * shell command such as {@code quit}.
     *
     * @throws UserInterruptException if the user pressed Ctrl-C (the input is discarded)
     * @throws EndOfFileException if the input ended (Ctrl-D)
     */
    public String readStatements() {
        return reader.readLine(PROMPT);
    }

    /** The history, oldest entry first. */
    public History history() {
        return reader.getHistory();
    }

    @Override
    public void close() throws IOException {
        reader.getHistory().save();
    }
}
