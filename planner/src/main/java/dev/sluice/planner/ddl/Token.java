package dev.sluice.planner.ddl;

/**
 * A token of a Sluice statement, with its 1-based position for error messages and its place in the statement's
 * text ({@code start} inclusive, {@code end} exclusive), to cut out an expression as written.
 */
record Token(Kind kind, String text, int line, int column, int start, int end) {
    enum Kind { WORD, QUOTED_IDENTIFIER, STRING, NUMBER, SYMBOL, END }

    boolean isWord(String word) {
        return kind == Kind.WORD && text.equalsIgnoreCase(word);
    }

    boolean isSymbol(String symbol) {
        return kind == Kind.SYMBOL && text.equals(symbol);
    }

    String describe() {
        return switch (kind) {
            case END -> "end of statement";
            case STRING -> "'" + text + "'";
            case QUOTED_IDENTIFIER -> "\"" + text + "\"";
            default -> "'" + text + "'";
        };
    }
}
