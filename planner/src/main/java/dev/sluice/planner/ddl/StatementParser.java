package dev.sluice.planner.ddl;

import dev.sluice.execution.connector.ComputedColumn;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.connector.WatermarkSpec;
import dev.sluice.execution.error.EngineException;
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

    private final String text;
    private final List<Token> tokens;
    private int next;

    private StatementParser(String text, List<Token> tokens) {
        this.text = text;
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
        StatementParser p = new StatementParser(text, Tokenizer.tokenize(text));
        Token first = p.peek();
        if (first.kind() == Token.Kind.END) {
            throw PlanningException.at(first.line(), first.column(), "Empty statement");
        }
        if (first.isWord("CREATE")) {
            Token second = p.tokens.size() > 1 ? p.tokens.get(1) : first;
            return second.isWord("VIEW") || second.isWord("TEMPORARY") ? p.createView() : p.createTable();
        }
        if (first.isWord("DROP")) {
            return p.drop(p.tokens.size() > 1 && p.tokens.get(1).isWord("VIEW"));
        }
        if (first.isWord("SHOW")) {
            return p.show();
        }
        if (first.isWord("DESCRIBE") || first.isWord("DESC")) {
            p.take();
            p.acceptWord("TABLE");
            String name = p.acceptWord("VIEW") ? p.identifier("view name") : p.identifier("table name");
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
        List<ComputedColumn> computed = new ArrayList<>();
        Set<String> explicitlyNull = new HashSet<>();
        Set<String> seen = new HashSet<>();
        Optional<WatermarkSpec> watermark = Optional.empty();
        List<String> primaryKey = null;
        Token primaryKeyAt = null;
        do {
            if (peek().isWord("WATERMARK")) {
                Token at = peek();
                if (watermark.isPresent()) {
                    throw PlanningException.at(at.line(), at.column(), "Table '" + name + "' has two watermarks");
                }
                watermark = Optional.of(watermark());
                continue;
            }
            if (peek().isWord("PRIMARY") || peek().isWord("CONSTRAINT")) {
                Token at = peek();
                if (primaryKey != null) {
                    throw PlanningException.at(at.line(), at.column(), "Table '" + name + "' has two primary keys");
                }
                if (acceptWord("CONSTRAINT")) {
                    identifier("constraint name");
                }
                primaryKeyAt = at;
                primaryKey = primaryKey();
                continue;
            }
            Token at = peek();
            String column = identifier("column name");
            if (!seen.add(column.toLowerCase(Locale.ROOT))) {
                throw PlanningException.at(at.line(), at.column(), "Column '" + column + "' is declared twice");
            }
            if (acceptWord("AS")) {
                computed.add(new ComputedColumn(column, expression(column), columns.size() + computed.size()));
                continue;
            }
            ColumnType type = columnType(column);
            boolean nullable = true;
            if (acceptWord("NOT")) {
                expectWord("NULL");
                nullable = false;
            } else if (acceptWord("NULL")) {
                explicitlyNull.add(column.toLowerCase(Locale.ROOT));
            }
            if (peek().isWord("PRIMARY")) {
                if (primaryKey != null) {
                    throw PlanningException.at(peek().line(), peek().column(), "Table '" + name + "' has two primary keys");
                }
                primaryKeyAt = peek();
                take();
                expectWord("KEY");
                notEnforced();
                primaryKey = List.of(column);
            }
            columns.add(new Column(column, type, nullable));
        } while (acceptSymbol(","));
        expectSymbol(")");
        if (primaryKey != null) {
            columns = primaryKeyNotNull(name, columns, primaryKey, explicitlyNull, primaryKeyAt);
        }
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
            return new SluiceStatement.CreateTable(new TableDescriptor(name, new RowSchema(columns), options, watermark,
                    computed, primaryKey == null ? List.of() : primaryKey), ifNotExists);
        } catch (IllegalArgumentException | EngineException e) {
            throw new PlanningException(e.getMessage(), e);
        }
    }

    /**
     * A computed column's expression, as written: every token up to the {@code ,} or {@code )} that ends the
     * column (outside parentheses). The planner checks it.
     */
    private String expression(String column) {
        Token first = peek();
        Token last = null;
        int depth = 0;
        while (true) {
            Token t = peek();
            if (t.kind() == Token.Kind.END) {
                throw PlanningException.at(t.line(), t.column(), "Expected ')' after the expression of column '"
                        + column + "', found " + t.describe());
            }
            if (depth == 0 && (t.isSymbol(",") || t.isSymbol(")"))) {
                break;
            }
            if (t.isSymbol("(")) {
                depth++;
            } else if (t.isSymbol(")")) {
                depth--;
            }
            last = take();
        }
        if (last == null) {
            throw PlanningException.at(first.line(), first.column(), "Expected an expression for the computed column '"
                    + column + "' (" + column + " AS expression), found " + first.describe());
        }
        return text.substring(first.start(), last.end());
    }

    /** {@code PRIMARY KEY (a, b) NOT ENFORCED}, as in Flink SQL. */
    private List<String> primaryKey() {
        expectWord("PRIMARY");
        expectWord("KEY");
        expectSymbol("(");
        List<String> key = new ArrayList<>();
        do {
            key.add(identifier("primary key column"));
        } while (acceptSymbol(","));
        expectSymbol(")");
        notEnforced();
        return key;
    }

    /** Flink's rule: Sluice does not own the data, so it can't enforce a key; the key says NOT ENFORCED. */
    private void notEnforced() {
        Token t = peek();
        if (!acceptWord("NOT") || !acceptWord("ENFORCED")) {
            throw PlanningException.at(t.line(), t.column(), "Expected NOT ENFORCED after the primary key, found "
                    + t.describe() + ": Sluice does not own the data in its tables, so a primary key is only declared "
                    + "(PRIMARY KEY (...) NOT ENFORCED), as in Flink SQL");
        }
    }

    /**
     * The columns with those of the primary key made NOT NULL (as Flink does); a key column declared NULL is an
     * error.
     */
    private static List<Column> primaryKeyNotNull(String table, List<Column> columns, List<String> key,
                                                  Set<String> explicitlyNull, Token at) {
        List<Column> result = new ArrayList<>();
        for (Column c : columns) {
            boolean inKey = key.stream().anyMatch(k -> k.equalsIgnoreCase(c.name()));
            if (inKey && explicitlyNull.contains(c.name().toLowerCase(Locale.ROOT))) {
                throw PlanningException.at(at.line(), at.column(), "The primary key column '" + c.name() + "' of table '"
                        + table + "' is declared NULL: primary key columns are NOT NULL");
            }
            result.add(inKey ? new Column(c.name(), c.type(), false) : c);
        }
        return result;
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

    /**
     * {@code CREATE [TEMPORARY] VIEW [IF NOT EXISTS] name AS query}: the query is kept as written (Calcite
     * validates it when the view is created and each time it is used). TEMPORARY is accepted for Flink's
     * scripts (q12 of Nexmark); the view is kept in the catalog all the same.
     */
    private SluiceStatement createView() {
        take();
        acceptWord("TEMPORARY");
        expectWord("VIEW");
        boolean ifNotExists = false;
        if (acceptWord("IF")) {
            expectWord("NOT");
            expectWord("EXISTS");
            ifNotExists = true;
        }
        String name = identifier("view name");
        if (peek().isSymbol("(")) {
            Token at = peek();
            throw PlanningException.at(at.line(), at.column(), "A column list in CREATE VIEW is not supported yet; "
                    + "name the columns in the query (SELECT ... AS name)");
        }
        expectWord("AS");
        Token body = peek();
        if (body.kind() == Token.Kind.END) {
            throw PlanningException.at(body.line(), body.column(), "Expected the view's query after AS");
        }
        return new SluiceStatement.CreateView(name, text.substring(body.start()).strip(), ifNotExists);
    }

    /** {@code DROP VIEW [IF EXISTS] name} or {@code DROP TABLE [IF EXISTS] name}. */
    private SluiceStatement drop(boolean view) {
        take();
        expectWord(view ? "VIEW" : "TABLE");
        boolean ifExists = false;
        if (acceptWord("IF")) {
            expectWord("EXISTS");
            ifExists = true;
        }
        String name = identifier(view ? "view name" : "table name");
        expectEnd();
        return view ? new SluiceStatement.DropView(name, ifExists) : new SluiceStatement.DropTable(name, ifExists);
    }

    private SluiceStatement show() {
        take();
        Token what = take();
        SluiceStatement statement;
        if (what.isWord("TABLES")) {
            statement = new SluiceStatement.ShowTables();
        } else if (what.isWord("QUERIES")) {
            statement = new SluiceStatement.ShowQueries();
        } else if (what.isWord("VIEWS")) {
            statement = new SluiceStatement.ShowViews();
        } else if (what.isWord("CREATE") && acceptWord("VIEW")) {
            statement = new SluiceStatement.ShowCreateView(identifier("view name"));
        } else if (what.isWord("CREATE")) {
            expectWord("TABLE");
            statement = new SluiceStatement.ShowCreateTable(identifier("table name"));
        } else {
            throw PlanningException.at(what.line(), what.column(), "Expected TABLES, VIEWS, QUERIES, CREATE TABLE or CREATE VIEW "
                    + "after SHOW, "
                    + "found " + what.describe());
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
