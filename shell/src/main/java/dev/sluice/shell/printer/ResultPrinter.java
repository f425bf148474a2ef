package dev.sluice.shell.printer;

import dev.sluice.api.ResultBatch;
import java.util.List;

/**
 * Prints query results in one output format. Implementations are thread-safe: the batches of a streaming
 * query arrive on the query's thread.
 */
public interface ResultPrinter {
    /**
     * Prints the complete result of a bounded statement.
     *
     * @param columns column names
     * @param rows values as in {@link dev.sluice.api.StatementResult.Rows}
     */
    void printRows(List<String> columns, List<List<Object>> rows);

    /** Prints the rows of one micro-batch of a streaming query. */
    void printBatch(ResultBatch batch);
}
