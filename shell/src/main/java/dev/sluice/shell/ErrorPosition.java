package dev.sluice.shell;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where in a statement an engine error points, read from its message ("At line 1, column 8: ...",
 * "... at line 1, column 8.", "From line 1, column 8 to line 1, column 11: ..."), and the statement line
 * with carets under that place, as psql and the Trino CLI show syntax errors.
 */
record ErrorPosition(int line, int column, int endColumn) {
    private static final Pattern RANGE = Pattern.compile(
            "[Ff]rom line (\\d+), column (\\d+) to line (\\d+), column (\\d+)");
    private static final Pattern POINT = Pattern.compile("[Aa]t line (\\d+), column (\\d+)");

    /** The position an error message names, if any. */
    static Optional<ErrorPosition> of(String message) {
        if (message == null) {
            return Optional.empty();
        }
        Matcher range = RANGE.matcher(message);
        if (range.find()) {
            int line = Integer.parseInt(range.group(1));
            int start = Integer.parseInt(range.group(2));
            // A range over several lines is shown on its first line only.
            int end = Integer.parseInt(range.group(3)) == line ? Integer.parseInt(range.group(4)) : start;
            return Optional.of(new ErrorPosition(line, start, Math.max(start, end)));
        }
        Matcher point = POINT.matcher(message);
        if (point.find()) {
            int column = Integer.parseInt(point.group(2));
            return Optional.of(new ErrorPosition(Integer.parseInt(point.group(1)), column, column));
        }
        return Optional.empty();
    }

    /**
     * The statement's line at fault and a caret line under the position; empty if the statement has no such
     * line or column.
     */
    Optional<String> render(String statement) {
        String[] lines = statement.split("\n", -1);
        if (line < 1 || line > lines.length || column < 1 || column > lines[line - 1].length() + 1) {
            return Optional.empty();
        }
        String text = lines[line - 1];
        int end = Math.min(endColumn, Math.max(column, text.length()));
        return Optional.of(text + "\n" + " ".repeat(column - 1) + "^".repeat(end - column + 1));
    }
}
