package dev.sluice.shell.printer;

import static java.util.Objects.requireNonNull;

import dev.sluice.api.ResultBatch;
import dev.sluice.shell.console.Pager;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/**
 * Aligned tables for the interactive shell: a bounded result goes through the {@link Pager}; the batches of
 * a streaming query print as they come (a pager would hold up the query).
 */
public final class PagedTablePrinter implements ResultPrinter {
    private final Pager pager;
    private final AlignedTablePrinter streaming;

    public PagedTablePrinter(Pager pager, PrintWriter out) {
        this.pager = requireNonNull(pager, "pager is null");
        this.streaming = new AlignedTablePrinter(out);
    }

    @Override
    public void printRows(List<String> columns, List<List<Object>> rows) {
        StringWriter text = new StringWriter();
        new AlignedTablePrinter(new PrintWriter(text)).printRows(columns, rows);
        pager.show(text.toString().lines().toList());
    }

    @Override
    public void printBatch(ResultBatch batch) {
        streaming.printBatch(batch);
    }
}
