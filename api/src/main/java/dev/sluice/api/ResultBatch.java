package dev.sluice.api;

import java.util.List;

/**
 * The rows one micro-batch of a {@code SELECT STREAM} query produced, as handed to a {@link BatchConsumer}.
 *
 * @param batchId the micro-batch id (0, 1, 2... across restarts of the same checkpoint)
 * @param columns column names
 * @param rows values as in {@link StatementResult.Rows}
 */
public record ResultBatch(long batchId, List<String> columns, List<List<Object>> rows) {
    public ResultBatch {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
    }
}
