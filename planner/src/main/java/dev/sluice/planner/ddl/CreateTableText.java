package dev.sluice.planner.ddl;

import dev.sluice.execution.connector.ComputedColumn;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.connector.WatermarkSpec;
import dev.sluice.execution.type.Column;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code CREATE TABLE} statement that makes a table as the catalog holds it ({@code SHOW CREATE TABLE}):
 * declared columns in declaration order (computed ones with their expression as written), the watermark, the
 * primary key and the options. {@link StatementParser} parses it back into an equal table.
 */
public final class CreateTableText {
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final String INDENT = "  ";

    private CreateTableText() {
    }

    public static String of(TableDescriptor table) {
        List<String> elements = new ArrayList<>();
        for (String name : table.declaredNames()) {
            var computed = table.computedColumn(name);
            if (computed.isPresent()) {
                ComputedColumn c = computed.get();
                elements.add(name(c.name()) + " AS " + c.expression());
            } else {
                Column c = table.schema().find(name).orElseThrow();
                boolean inKey = table.primaryKey().stream().anyMatch(k -> k.equalsIgnoreCase(c.name()));
                elements.add(name(c.name()) + " " + c.type().sqlName() + (c.nullable() || inKey ? "" : " NOT NULL"));
            }
        }
        table.watermark().ifPresent(w -> elements.add(watermark(w)));
        if (!table.primaryKey().isEmpty()) {
            elements.add("PRIMARY KEY (" + String.join(", ", table.primaryKey().stream().map(CreateTableText::name)
                    .toList()) + ") NOT ENFORCED");
        }
        List<String> options = new ArrayList<>();
        for (Map.Entry<String, String> o : table.sortedOptions().entrySet()) {
            options.add(INDENT + string(o.getKey()) + " = " + string(o.getValue()));
        }
        return "CREATE TABLE " + name(table.name()) + " (\n" + INDENT + String.join(",\n" + INDENT, elements)
                + "\n) WITH (\n" + String.join(",\n", options) + "\n)";
    }

    /** {@code WATERMARK FOR ts AS ts - INTERVAL '5' SECOND}, in the largest unit that states the delay exactly. */
    public static String watermark(WatermarkSpec w) {
        String column = name(w.column());
        if (w.delayMillis() == 0) {
            return "WATERMARK FOR " + column + " AS " + column;
        }
        long delay = w.delayMillis();
        String unit = "MILLISECOND";
        for (Object[] u : new Object[][] {{86_400_000L, "DAY"}, {3_600_000L, "HOUR"}, {60_000L, "MINUTE"},
                {1_000L, "SECOND"}}) {
            long millis = (Long) u[0];
            if (delay % millis == 0) {
                delay /= millis;
                unit = (String) u[1];
                break;
            }
        }
        return "WATERMARK FOR " + column + " AS " + column + " - INTERVAL '" + delay + "' " + unit;
    }

    private static String name(String name) {
        return PLAIN_NAME.matcher(name).matches() ? name : "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private static String string(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
