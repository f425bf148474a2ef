package dev.sluice.planner.sql;

/**
 * Lets {@code dateTime} be a column name without quotes, as in Flink SQL and the Nexmark tables
 * ({@code TO_TIMESTAMP_LTZ(dateTime, 3)}): Calcite's parser reserves DATETIME for BigQuery's
 * {@code DATETIME '2024-01-01 10:00:00'} literal and refuses it anywhere else. Before parsing, an unquoted
 * DATETIME that is not followed by a string literal is quoted as written; unquoted and quoted names match
 * alike (case-insensitively), so the statement means what it says. Strings, quoted names and comments are
 * left as they are.
 */
final class DateTimeIdentifiers {
    private static final String KEYWORD = "DATETIME";

    private DateTimeIdentifiers() {
    }

    static String quote(String sql) {
        StringBuilder out = null;
        int copied = 0;
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                i = skipQuoted(sql, i, c);
            } else if (sql.startsWith("--", i)) {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end;
            } else if (sql.startsWith("/*", i)) {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_' || sql.charAt(i) == '$')) {
                    i++;
                }
                boolean qualified = start > 0 && sql.charAt(start - 1) == '.';
                if (sql.regionMatches(true, start, KEYWORD, 0, KEYWORD.length()) && i - start == KEYWORD.length()
                        && (qualified || !followedByString(sql, i))) {
                    if (out == null) {
                        out = new StringBuilder(n + 8);
                    }
                    out.append(sql, copied, start).append('"').append(sql, start, i).append('"');
                    copied = i;
                }
            } else {
                i++;
            }
        }
        return out == null ? sql : out.append(sql, copied, n).toString();
    }

    private static int skipQuoted(String sql, int from, char quote) {
        int i = from + 1;
        while (i < sql.length()) {
            if (sql.charAt(i) == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return i;
    }

    private static boolean followedByString(String sql, int from) {
        int i = from;
        while (i < sql.length() && Character.isWhitespace(sql.charAt(i))) {
            i++;
        }
        return i < sql.length() && sql.charAt(i) == '\'';
    }
}
