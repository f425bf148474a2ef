package dev.sluice.shell.console;

import dev.sluice.shell.StatementSplitter;
import java.util.Locale;
import java.util.Set;
import org.jline.reader.EOFError;
import org.jline.reader.ParsedLine;
import org.jline.reader.Parser;
import org.jline.reader.impl.DefaultParser;

/**
 * Tells JLine when the input is complete: when it ends with {@code ;} (outside strings and comments), is
 * blank, or is a shell command such as {@code quit}. Otherwise Enter starts a continuation line. The words
 * of a line come from JLine's {@link DefaultParser}: what completion will need.
 */
public final class InputParser implements Parser {
    private static final Set<String> EXIT_COMMANDS = Set.of("quit", "exit");

    private final Parser words = new DefaultParser();

    @Override
    public ParsedLine parse(String line, int cursor, ParseContext context) {
        if (context == ParseContext.ACCEPT_LINE && !isExitCommand(line) && !StatementSplitter.split(line).isComplete()) {
            throw new EOFError(-1, -1, "Statement not terminated by ';'");
        }
        return words.parse(line, cursor, context);
    }

    /** Whether the input is a command to leave the shell: {@code quit} or {@code exit}, with or without {@code ;}. */
    public static boolean isExitCommand(String line) {
        String command = line.strip();
        if (command.endsWith(";")) {
            command = command.substring(0, command.length() - 1).strip();
        }
        return EXIT_COMMANDS.contains(command.toLowerCase(Locale.ROOT));
    }
}
