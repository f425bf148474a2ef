package dev.sluice.planner.ddl;

import dev.sluice.planner.PlanningException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a statement into {@link Token}s: words, "quoted identifiers", 'strings' (with '' escapes),
 * numbers and symbols; skips whitespace and -- and /* *&#47; comments.
 */
final class Tokenizer {
    private final String sql;
    private int pos;
    private int line = 1;
    private int column = 1;

    private Tokenizer(String sql) {
        this.sql = sql;
    }

    static List<Token> tokenize(String sql) {
        return new Tokenizer(sql).run();
    }

    private List<Token> run() {
        List<Token> tokens = new ArrayList<>();
        while (true) {
            skipSpaceAndComments();
            if (pos >= sql.length()) {
                tokens.add(new Token(Token.Kind.END, "", line, column, pos, pos));
                return tokens;
            }
            int startLine = line;
            int startColumn = column;
            int begin = pos;
            char c = sql.charAt(pos);
            if (Character.isLetter(c) || c == '_') {
                int start = pos;
                while (pos < sql.length() && (Character.isLetterOrDigit(sql.charAt(pos)) || sql.charAt(pos) == '_'
                        || sql.charAt(pos) == '.' || sql.charAt(pos) == '$')) {
                    advance();
                }
                tokens.add(new Token(Token.Kind.WORD, sql.substring(start, pos), startLine, startColumn, begin, pos));
            } else if (Character.isDigit(c)) {
                int start = pos;
                while (pos < sql.length() && (Character.isDigit(sql.charAt(pos)) || sql.charAt(pos) == '.')) {
                    advance();
                }
                tokens.add(new Token(Token.Kind.NUMBER, sql.substring(start, pos), startLine, startColumn, begin, pos));
            } else if (c == '\'' || c == '"') {
                tokens.add(new Token(c == '\'' ? Token.Kind.STRING : Token.Kind.QUOTED_IDENTIFIER,
                        quoted(c, startLine, startColumn), startLine, startColumn, begin, pos));
            } else {
                advance();
                tokens.add(new Token(Token.Kind.SYMBOL, String.valueOf(c), startLine, startColumn, begin, pos));
            }
        }
    }

    private String quoted(char quote, int startLine, int startColumn) {
        StringBuilder sb = new StringBuilder();
        advance();
        while (true) {
            if (pos >= sql.length()) {
                throw PlanningException.at(startLine, startColumn, "Unterminated "
                        + (quote == '\'' ? "string literal" : "quoted identifier"));
            }
            char c = sql.charAt(pos);
            advance();
            if (c == quote) {
                if (pos < sql.length() && sql.charAt(pos) == quote) {
                    sb.append(quote);
                    advance();
                } else {
                    return sb.toString();
                }
            } else {
                sb.append(c);
            }
        }
    }

    private void skipSpaceAndComments() {
        while (pos < sql.length()) {
            char c = sql.charAt(pos);
            if (Character.isWhitespace(c)) {
                advance();
            } else if (sql.startsWith("--", pos)) {
                while (pos < sql.length() && sql.charAt(pos) != '\n') {
                    advance();
                }
            } else if (sql.startsWith("/*", pos)) {
                int end = sql.indexOf("*/", pos + 2);
                int stop = end < 0 ? sql.length() : end + 2;
                while (pos < stop) {
                    advance();
                }
            } else {
                return;
            }
        }
    }

    private void advance() {
        if (sql.charAt(pos) == '\n') {
            line++;
            column = 1;
        } else {
            column++;
        }
        pos++;
    }
}
