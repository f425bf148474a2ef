package dev.sluice.planner.ddl;

import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.connector.WatermarkSpec;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.planner.PlanningException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses Sluice's own statements (DDL and session commands) and hands everything else to Calcite as a
 * {@link SluiceStatement.Query}.
 *
 * <p>Why not Calcite's parser for DDL: Calcite's core grammar has no CREATE TABLE, and its server
 * grammar has no {@code WITH (...)} options; extending the JavaCC grammar costs a code-generation build
 * step for a handful of statements that a small recursive-descent parser states plainly.
 */
public final class StatementParser {
    private static final Pattern EXPLAIN = Pattern.compile("(?is)^\\s*EXPLAIN(\\s+PLAN\\s+FOR)?\\s+(.*)$");
    /** SET key = value: the value is the raw rest of the statement (e.g. available-now, 10 seconds). */
    private static final Pattern SET = Pattern.compile("(?is)^\\s*SET\\s+('([^']*)'|[\\w.\\-]+)\\s*=\\s*(.*)$");

    private final List<Token> tokens;
    private int next;

    private StatementParser(List<Token> tokens) {
        this.tokens = tokens;
    }

    /**
     * Parses one statement (without its trailing semicolon).
     *
     * @throws PlanningException naming the line, column and token at fault
     */
    public static SluiceStatement parse(String sql) {
        String text = stripTrailingSemicolon(sql);
        Matcher explain = EXPLAIN.matcher(text);
        if (explain.matches()) {
            return new SluiceStatement.Explain(explain.group(2));
        }
        Matcher set = SET.matcher(text);
        if (set.matches()) {
            String key = set.group(2) != null ? set.group(2) : set.group(1);
            String value = set.group(3).strip();
            if (value.length() >= 2 && value.startsWith("'") && value.endsWith("'")) {
                value = value.substring(1, value.length() - 1).replace("''", "'");
            }
            if (value.isEmpty()) {
                throw PlanningException.at(1, text.length() + 1, "Expected a value for option '" + key + "'");
            }
            return new SluiceStatement.SetOption(key, value);
        }
        StatementParser p = new StatementParser(Tokenizer.tokenize(text));
        Token first = p.peek();
        if (first.kind() == Token.Kind.END) {
            throw PlanningException.at(first.line(), first.column(), "Empty statement");
        }
        if (first.isWord("CREATE")) {
            return p.createTable();
        }
        if (first.isWord("DROP")) {
            return p.dropTable();
        }
        if (first.isWord("SHOW")) {
            return p.show();
        }
        if (first.isWord("DESCRIBE") || first.isWord("DESC")) {
            p.take();
            p.acceptWord("TABLE");
            String name = p.identifier("table name");
            p.expectEnd();
            return new SluiceStatement.DescribeTable(name);
        }
        if (first.isWord("SET")) {
            return p.set();
        }
        if (first.isWord("RESET")) {
            p.take();
            String key = p.optionKey();
            p.expectEnd();
            return new SluiceStatement.ResetOption(key);
        }
        if (first.isWord("STOP")) {
            p.take();
            p.expectWord("QUERY");
            String id = p.optionKey();
            p.expectEnd();
            return new SluiceStatement.StopQuery(id);
        }
        return new SluiceStatement.Query(text);
    }

    private static String stripTrailingSemicolon(String sql) {
        String s = sql.strip();
        while (s.endsWith(";")) {
            s = s.substring(0, s.length() - 1).strip();
        }
        return s;
    }

    private SluiceStatement createTable() {
        take();
        expectWord("TABLE");
        boolean ifNotExists = false;
        if (acceptWord("IF")) {
            expectWord("NOT");
            expectWord("EXISTS");
            ifNotExists = true;
        }
        String name = identifier("table name");
        expectSymbol("(");
        List<Column> columns = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Optional<WatermarkSpec> watermark = Optional.empty();
        do {
            if (peek().isWord("WATERMARK")) {
                Token at = peek();
                if (watermark.isPresent()) {
                    throw PlanningException.at(at.line(), at.column(), "Table '" + name + "' has two watermarks");
                }
                watermark = Optional.of(watermark());
                continue;
            }
            Token at = peek();
            String column = identifier("column name");
            if (!seen.add(column.toLowerCase(Locale.ROOT))) {
                throw PlanningException.at(at.line(), at.column(), "Column '" + column + "' is declared twice");
            }
            ColumnType type = columnType(column);
            boolean nullable = true;
            if (acceptWord("NOT")) {
                expectWord("NULL");
                nullable = false;
            } else {
                acceptWord("NULL");
            }
            columns.add(new Column(column, type, nullable));
        } while (acceptSymbol(","));
        expectSymbol(")");
        Map<String, String> options = new LinkedHashMap<>();
        if (acceptWord("WITH")) {
            expectSymbol("(");
            do {
                Token at = peek();
                String key = string("option name");
                expectSymbol("=");
                String value = string("option value");
                if (options.put(key, value) != null) {
                    throw PlanningException.at(at.line(), at.column(), "Option '" + key + "' is given twice");
                }
            } while (acceptSymbol(","));
            expectSymbol(")");
        }
        expectEnd();
        if (!options.containsKey("connector")) {
            Token end = peek();
            throw PlanningException.at(end.line(), end.column(), "Table '" + name
                    + "' needs a 'connector' option, e.g. WITH ('connector'='kafka', 'topic'='...', 'format'='json')");
        }
        try {
            return new SluiceStatement.CreateTable(new TableDescriptor(name, new RowSchema(columns), options, watermark),
                    ifNotExists);
        } catch (IllegalArgumentException e) {
            throw new PlanningException(e.getMessage(), e);
        }
    }

    /** {@code WATERMARK FOR ts AS ts [- INTERVAL 'n' unit]}, as in Flink SQL. */
    private WatermarkSpec watermark() {
        take();
        expectWord("FOR");
        String column = identifier("watermark column");
        expectWord("AS");
        Token ref = peek();
        String again = identifier("column");
        if (!again.equalsIgnoreCase(column)) {
            throw PlanningException.at(ref.line(), ref.column(), "A watermark is written WATERMARK FOR " + column
                    + " AS " + column + " - INTERVAL '5' SECOND");
        }
        long delay = 0;
        if (acceptSymbol("-")) {
            expectWord("INTERVAL");
            Token amount = take();
            long n;
            try {
                n = Long.parseLong(amount.text().trim());
            } catch (NumberFormatException e) {
                throw PlanningException.at(amount.line(), amount.column(), "Expected a number of units, found "
                        + amount.describe());
            }
            Token unit = take();
            delay = n * switch (unit.text().toUpperCase(Locale.ROOT).replaceAll("S$", "")) {
                case "MILLISECOND" -> 1L;
                case "SECOND" -> 1_000L;
                case "MINUTE" -> 60_000L;
                case "HOUR" -> 3_600_000L;
                case "DAY" -> 86_400_000L;
                default -> throw PlanningException.at(unit.line(), unit.column(), "Expected SECOND, MINUTE, HOUR, DAY or "
                        + "MILLISECOND, found " + unit.describe());
            };
        }
        return new WatermarkSpec(column, delay);
    }

    private ColumnType columnType(String column) {
        Token at = take();
        if (at.kind() != Token.Kind.WORD) {
            throw PlanningException.at(at.line(), at.column(), "Expected a type for column '" + column + "', found "
                    + at.describe());
        }
        String type = at.text();
        if (peek().isWord("PRECISION") || peek().isWord("VARYING")) {
            type += " " + take().text();
        }
        if (acceptSymbol("(")) {
            // Lengths and precisions are accepted for compatibility; Sluice's types are unbounded.
            do {
                Token n = take();
                if (n.kind() != Token.Kind.NUMBER) {
                    throw PlanningException.at(n.line(), n.column(), "Expected a number, found " + n.describe());
                }
            } while (acceptSymbol(","));
            expectSymbol(")");
        }
        try {
            return ColumnType.fromSqlName(type);
        } catch (IllegalArgumentException e) {
            throw PlanningException.at(at.line(), at.column(), e.getMessage() + " for column '" + column + "'");
        }
    }

    private SluiceStatement dropTable() {
        take();
        expectWord("TABLE");
        boolean ifExists = false;
        if (acceptWord("IF")) {
            expectWord("EXISTS");
            ifExists = true;
        }
        String name = identifier("table name");
        expectEnd();
        return new SluiceStatement.DropTable(name, ifExists);
    }

    private SluiceStatement show() {
        take();
        Token what = take();
        SluiceStatement statement;
        if (what.isWord("TABLES")) {
            statement = new SluiceStatement.ShowTables();
        } else if (what.isWord("QUERIES")) {
            statement = new SluiceStatement.ShowQueries();
        } else {
            throw PlanningException.at(what.line(), what.column(), "Expected TABLES or QUERIES after SHOW, found "
                    + what.describe());
        }
        expectEnd();
        return statement;
    }

    /** A SET that is not {@code SET key = value}: alone it lists the options; anything else is an error. */
    private SluiceStatement set() {
        take();
        if (peek().kind() == Token.Kind.END) {
            return new SluiceStatement.SetOption(null, null);
        }
        optionKey();
        expectSymbol("=");
        Token value = peek();
        throw PlanningException.at(value.line(), value.column(), "Expected a value, found " + value.describe());
    }

    private String optionKey() {
        Token t = take();
        if (t.kind() == Token.Kind.END || t.kind() == Token.Kind.SYMBOL) {
            throw PlanningException.at(t.line(), t.column(), "Expected a name, found " + t.describe());
        }
        return t.text();
    }

    private String identifier(String what) {
        Token t = take();
        if (t.kind() != Token.Kind.WORD && t.kind() != Token.Kind.QUOTED_IDENTIFIER) {
            throw PlanningException.at(t.line(), t.column(), "Expected a " + what + ", found " + t.describe());
        }
        return t.text();
    }

    private String string(String what) {
        Token t = take();
        if (t.kind() != Token.Kind.STRING) {
            throw PlanningException.at(t.line(), t.column(), "Expected a quoted " + what + " ('...'), found "
                    + t.describe());
        }
        return t.text();
    }

    private Token peek() {
        return tokens.get(next);
    }

    private Token take() {
        Token t = tokens.get(next);
        if (t.kind() != Token.Kind.END) {
            next++;
        }
        return t;
    }

    private boolean acceptWord(String word) {
        if (peek().isWord(word)) {
            next++;
            return true;
        }
        return false;
    }

    private boolean acceptSymbol(String symbol) {
        if (peek().isSymbol(symbol)) {
            next++;
            return true;
        }
        return false;
    }

    private void expectWord(String word) {
        Token t = take();
        if (!t.isWord(word)) {
            throw PlanningException.at(t.line(), t.column(), "Expected " + word + ", found " + t.describe());
        }
    }

    private void expectSymbol(String symbol) {
        Token t = take();
        if (!t.isSymbol(symbol)) {
            throw PlanningException.at(t.line(), t.column(), "Expected '" + symbol + "', found " + t.describe());
        }
    }

    private void expectEnd() {
        Token t = peek();
        if (t.kind() != Token.Kind.END) {
            throw PlanningException.at(t.line(), t.column(), "Unexpected " + t.describe());
        }
    }
}
