package dev.sluice.shell.console;

import java.util.Set;
import java.util.TreeSet;

/** The SQL keywords and functions the shell completes and highlights. */
final class SqlKeywords {
    static final Set<String> KEYWORDS = new TreeSet<>(Set.of(
            "SELECT", "STREAM", "FROM", "WHERE", "GROUP", "BY", "HAVING", "ORDER", "LIMIT", "OFFSET", "UNION", "ALL",
            "INSERT", "INTO", "CREATE", "TABLE", "DROP", "IF", "NOT", "EXISTS", "WITH", "SHOW", "TABLES", "QUERIES",
            "DESCRIBE", "EXPLAIN", "SET", "RESET", "STOP", "QUERY", "HELP", "AS", "AND", "OR", "IS", "NULL", "TRUE",
            "FALSE", "CASE", "WHEN", "THEN", "ELSE", "END", "CAST", "IN", "BETWEEN", "LIKE", "DISTINCT", "INTERVAL",
            "SECOND", "MINUTE", "HOUR", "DAY", "BOOLEAN", "INT", "INTEGER", "BIGINT", "DOUBLE", "VARCHAR",
            "TIMESTAMP"));
    static final Set<String> FUNCTIONS = new TreeSet<>(Set.of(
            "COUNT", "SUM", "AVG", "MIN", "MAX", "UPPER", "LOWER", "TRIM", "SUBSTRING", "CHAR_LENGTH", "POSITION",
            "REPLACE", "COALESCE", "NULLIF", "ABS", "ROUND", "FLOOR", "CEIL", "POWER", "SQRT", "MOD", "EXTRACT",
            "TUMBLE", "TUMBLE_START", "TUMBLE_END"));

    private SqlKeywords() {
    }

    static boolean isKeyword(String word) {
        return KEYWORDS.contains(word) || FUNCTIONS.contains(word);
    }
}
