package dev.sluice.shell.printer;

import static java.util.Objects.requireNonNull;

import dev.sluice.api.ResultBatch;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.jline.utils.WCWidth;

/**
 * Prints results as an aligned table, as psql and the Trino CLI do: centered column names, a separator
 * line, columns of numbers right-aligned (their NULLs too) and the others left-aligned, then the row count.
 *
 * <pre>
 *  id | name
 * ----+-------
 *   1 | alice
 *  12 | NULL
 * (2 rows)
 * </pre>
 *
 * <p>A value spanning several lines takes several lines of its row. Lines carry no trailing whitespace.
 * Each batch of a streaming query is a table of its own, headed {@code Batch <id>}.
 */
public final class AlignedTablePrinter implements ResultPrinter {
    private static final String COLUMN_SEPARATOR = " | ";

    private final PrintWriter out;

    public AlignedTablePrinter(PrintWriter out) {
        this.out = requireNonNull(out, "out is null");
    }

    @Override
    public synchronized void printRows(List<String> columns, List<List<Object>> rows) {
        printTable(columns, rows);
        out.flush();
    }

    @Override
    public synchronized void printBatch(ResultBatch batch) {
        out.println("Batch " + batch.batchId());
        printTable(batch.columns(), batch.rows());
        out.flush();
    }

    private void printTable(List<String> columns, List<List<Object>> rows) {
        int[] widths = new int[columns.size()];
        boolean[] numeric = new boolean[columns.size()];
        for (int column = 0; column < columns.size(); column++) {
            widths[column] = displayWidth(columns.get(column));
            numeric[column] = isNumeric(rows, column);
        }
        List<List<List<String>>> cells = new ArrayList<>(rows.size());
        for (List<Object> row : rows) {
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException("Row has " + row.size() + " values for " + columns.size() + " columns: " + row);
            }
            List<List<String>> rowCells = new ArrayList<>(row.size());
            for (int column = 0; column < row.size(); column++) {
                List<String> lines = List.of(ValueFormatter.format(row.get(column)).split("\r?\n", -1));
                rowCells.add(lines);
                for (String line : lines) {
                    widths[column] = Math.max(widths[column], displayWidth(line));
                }
            }
            cells.add(rowCells);
        }

        if (!columns.isEmpty()) {
            printHeader(columns, widths);
            for (List<List<String>> row : cells) {
                printRow(row, widths, numeric);
            }
        }
        out.println(rows.size() == 1 ? "(1 row)" : "(" + rows.size() + " rows)");
    }

    /** A column of numbers (NULLs aside) is right-aligned, NULLs included, as SQL tools do. */
    private static boolean isNumeric(List<List<Object>> rows, int column) {
        boolean anyNumber = false;
        for (List<Object> row : rows) {
            Object value = column < row.size() ? row.get(column) : null;
            if (value instanceof Number) {
                anyNumber = true;
            }
            else if (value != null) {
                return false;
            }
        }
        return anyNumber;
    }

    private void printHeader(List<String> columns, int[] widths) {
        StringBuilder header = new StringBuilder();
        StringBuilder separator = new StringBuilder();
        for (int column = 0; column < columns.size(); column++) {
            String name = columns.get(column);
            int padding = widths[column] - displayWidth(name);
            header.append(column == 0 ? " " : COLUMN_SEPARATOR)
                    .append(" ".repeat(padding / 2))
                    .append(name)
                    .append(" ".repeat(padding - padding / 2));
            separator.append(column == 0 ? "" : "+").append("-".repeat(widths[column] + 2));
        }
        out.println(header.toString().stripTrailing());
        out.println(separator);
    }

    /** Prints a row: as many lines as its tallest value has. */
    private void printRow(List<List<String>> row, int[] widths, boolean[] numeric) {
        int height = row.stream().mapToInt(List::size).max().orElse(1);
        for (int line = 0; line < height; line++) {
            StringBuilder text = new StringBuilder();
            for (int column = 0; column < row.size(); column++) {
                List<String> lines = row.get(column);
                String value = line < lines.size() ? lines.get(line) : "";
                String padding = " ".repeat(widths[column] - displayWidth(value));
                text.append(column == 0 ? " " : COLUMN_SEPARATOR);
                if (numeric[column]) {
                    text.append(padding).append(value);
                }
                else {
                    text.append(value).append(padding);
                }
            }
            // No padding after the last column (a value's own trailing blanks go too: they're invisible).
            out.println(text.toString().stripTrailing());
        }
    }

    /** Terminal columns a text takes: East Asian wide characters take two, combining marks none. */
    static int displayWidth(String text) {
        return text.codePoints().map(codePoint -> Math.max(0, WCWidth.wcwidth(codePoint))).sum();
    }
}
