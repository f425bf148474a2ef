package dev.sluice.execution.operator;

import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A batch's inserted rows grouped by their partition key (the values of the partition columns), partitions
 * and rows in arrival order: what the operators that work per partition (Top-N, OVER) gather in
 * {@code add} and work through in {@code finish}.
 */
final class PartitionedRows {
    private final List<Integer> partition;
    private final String operator;
    private final Map<List<Object>, List<List<Object>>> rows = new LinkedHashMap<>();

    /** @param operator how error messages name the operator */
    PartitionedRows(List<Integer> partition, String operator) {
        this.partition = List.copyOf(partition);
        this.operator = operator;
    }

    /** The state key of a partition: its columns of {@code input}, nullable (a NULL key is a partition too). */
    static RowSchema keySchema(RowSchema input, List<Integer> partition) {
        List<Column> keys = new ArrayList<>();
        for (int p : partition) {
            Column c = input.column(p);
            keys.add(new Column(c.name(), c.type(), true));
        }
        return new RowSchema(keys);
    }

    /** Takes (and closes) a batch of inserts. */
    void add(ChangeBatch batch) {
        try (batch) {
            if (!batch.isInsertOnly()) {
                throw new IllegalStateException(operator + " got deleted rows, which it can't take back yet");
            }
            for (List<Object> row : VectorValues.rows(batch.rows())) {
                List<Object> key = new ArrayList<>(partition.size());
                partition.forEach(p -> key.add(row.get(p)));
                rows.computeIfAbsent(key, k -> new ArrayList<>()).add(row);
            }
        }
    }

    /** The rows so far, by partition key. */
    Map<List<Object>, List<List<Object>>> byKey() {
        return rows;
    }

    void clear() {
        rows.clear();
    }
}
