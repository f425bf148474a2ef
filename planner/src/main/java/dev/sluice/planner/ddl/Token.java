package dev.sluice.planner.ddl;

/** A token of a Sluice statement, with its 1-based position for error messages. */
record Token(Kind kind, String text, int line, int column) {
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
