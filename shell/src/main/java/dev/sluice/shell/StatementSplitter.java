package dev.sluice.shell;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits SQL text into statements on {@code ;}, ignoring semicolons inside single-quoted strings,
 * double-quoted identifiers, {@code --} line comments and {@code /* *}{@code /} block comments.
 *
 * <p>Statements keep their text (comments included) without the delimiter and surrounding whitespace;
 * statements with nothing but whitespace and comments are dropped. Whatever follows the last delimiter is
 * the {@linkplain Split#partialStatement() partial statement}: the interactive shell keeps reading lines
 * until it is empty, batch mode runs it as the last statement.
 */
public final class StatementSplitter {
    private StatementSplitter() {
    }

    /**
     * The statements of some text.
     *
     * @param statements the complete (delimited) statements, in order
     * @param partialStatement the text after the last delimiter if it holds anything but whitespace and
     *         comments, or is inside an unterminated string, identifier or block comment; otherwise empty
     */
    public record Split(List<String> statements, String partialStatement) {
        public Split {
            statements = List.copyOf(statements);
            requireNonNull(partialStatement, "partialStatement is null");
        }

        /** Whether the text ended with a complete statement (or with nothing but whitespace and comments). */
        public boolean isComplete() {
            return partialStatement.isEmpty();
        }
    }

    /** Splits {@code text} into statements. */
    public static Split split(String text) {
        requireNonNull(text, "text is null");
        List<String> statements = new ArrayList<>();
        Lexer lexer = new Lexer(text);
        int start = 0;
        boolean hasContent = false;
        while (lexer.hasNext()) {
            Token token = lexer.next();
            if (token == Token.DELIMITER) {
                if (hasContent) {
                    statements.add(text.substring(start, lexer.position() - 1).strip());
                }
                start = lexer.position();
                hasContent = false;
            }
            else if (token != Token.WHITESPACE && token != Token.COMMENT) {
                hasContent = true;
            }
        }
        boolean partial = hasContent || lexer.isInsideUnterminatedToken();
        return new Split(statements, partial ? text.substring(start).strip() : "");
    }

    /**
     * The first word of a statement, upper case, after whitespace, comments and opening parentheses
     * ({@code "INSERT"} for {@code "/* load *}{@code / insert into t ..."}); empty if it starts otherwise.
     */
    public static String firstKeyword(String statement) {
        requireNonNull(statement, "statement is null");
        Lexer lexer = new Lexer(statement);
        while (lexer.hasNext()) {
            int tokenStart = lexer.position();
            Token token = lexer.next();
            if (token == Token.WORD) {
                return statement.substring(tokenStart, lexer.position()).toUpperCase(Locale.ROOT);
            }
            if (token != Token.WHITESPACE && token != Token.COMMENT && !statement.startsWith("(", tokenStart)) {
                return "";
            }
        }
        return "";
    }

    private enum Token {
        WHITESPACE, COMMENT, QUOTED, WORD, DELIMITER, OTHER
    }

    /** Just enough of a SQL lexer to find statement boundaries. */
    private static final class Lexer {
        private final String text;
        private int position;
        private boolean unterminated;

        Lexer(String text) {
            this.text = text;
        }

        boolean hasNext() {
            return position < text.length();
        }

        int position() {
            return position;
        }

        /** Whether the last token was a string, quoted identifier or block comment missing its end. */
        boolean isInsideUnterminatedToken() {
            return unterminated;
        }

        Token next() {
            char c = text.charAt(position);
            if (c == ';') {
                position++;
                return Token.DELIMITER;
            }
            if (Character.isWhitespace(c)) {
                while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
                    position++;
                }
                return Token.WHITESPACE;
            }
            if (text.startsWith("--", position)) {
                int end = text.indexOf('\n', position);
                position = end < 0 ? text.length() : end + 1;
                return Token.COMMENT;
            }
            if (text.startsWith("/*", position)) {
                skipPast("*/", position + 2);
                return Token.COMMENT;
            }
            if (c == '\'' || c == '"') {
                // A doubled quote inside ('it''s') lexes as two quoted tokens back to back: same boundaries.
                skipPast(String.valueOf(c), position + 1);
                return Token.QUOTED;
            }
            if (Character.isLetter(c) || c == '_') {
                while (position < text.length()
                        && (Character.isLetterOrDigit(text.charAt(position)) || text.charAt(position) == '_')) {
                    position++;
                }
                return Token.WORD;
            }
            position++;
            return Token.OTHER;
        }

        private void skipPast(String end, int from) {
            int index = text.indexOf(end, from);
            unterminated = index < 0;
            position = unterminated ? text.length() : index + end.length();
        }
    }
}
