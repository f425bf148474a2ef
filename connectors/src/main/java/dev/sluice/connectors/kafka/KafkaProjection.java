package dev.sluice.connectors.kafka;

import dev.sluice.execution.source.StreamSource;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The columns a reader returns (a {@code ScanSpec}'s columns, in its order), split into value columns,
 * decoded from the record value, and metadata columns, taken from the record itself. Immutable.
 */
final class KafkaProjection {
    private final RowSchema output;
    private final Schema arrowSchema;
    private final RowSchema valueColumns;
    private final int[] valueColumnOutputIndexes;
    /** Per output column: its metadata column, or null for a value column. */
    private final KafkaMetadataColumn[] metadataColumns;
    /** The output index of {@link StreamSource#DELETED_COLUMN}, or -1 if it is not read. */
    private final int deletedIndex;

    private KafkaProjection(RowSchema output, RowSchema valueColumns, int[] valueColumnOutputIndexes,
            KafkaMetadataColumn[] metadataColumns, int deletedIndex) {
        this.output = output;
        this.deletedIndex = deletedIndex;
        this.arrowSchema = output.toArrowSchema();
        this.valueColumns = valueColumns;
        this.valueColumnOutputIndexes = valueColumnOutputIndexes;
        this.metadataColumns = metadataColumns;
    }

    /**
     * The projection of {@code requested} columns of a table whose declared columns are {@code declared}.
     *
     * @throws IllegalArgumentException naming a requested column the table does not have, or one requested
     *         twice
     */
    static KafkaProjection of(String table, RowSchema declared, List<String> requested) {
        List<Column> outputColumns = new ArrayList<>(requested.size());
        List<Column> valueColumns = new ArrayList<>();
        List<Integer> valueIndexes = new ArrayList<>();
        KafkaMetadataColumn[] metadata = new KafkaMetadataColumn[requested.size()];
        Set<String> seen = new HashSet<>();
        int deletedIndex = -1;
        for (int i = 0; i < requested.size(); i++) {
            String name = requested.get(i);
            if (!seen.add(name)) {
                throw new IllegalArgumentException("Column '" + name + "' of table '" + table + "' is requested twice");
            }
            if (name.equals(StreamSource.DELETED_COLUMN)) {
                outputColumns.add(new Column(name, ColumnType.BOOLEAN, false));
                deletedIndex = i;
                continue;
            }
            Optional<Column> value = declared.find(name);
            if (value.isPresent()) {
                outputColumns.add(value.get());
                valueColumns.add(value.get());
                valueIndexes.add(i);
                continue;
            }
            KafkaMetadataColumn meta = KafkaMetadataColumn.byName(name).orElseThrow(() -> new IllegalArgumentException(
                    "Table '" + table + "' has no column '" + name + "' (columns: "
                            + String.join(", ", declared.names()) + ", "
                            + String.join(", ", KafkaMetadataColumn.schema().names()) + ")"));
            outputColumns.add(meta.column());
            metadata[i] = meta;
        }
        return new KafkaProjection(new RowSchema(outputColumns), new RowSchema(valueColumns),
                valueIndexes.stream().mapToInt(Integer::intValue).toArray(), metadata, deletedIndex);
    }

    RowSchema output() {
        return output;
    }

    Schema arrowSchema() {
        return arrowSchema;
    }

    /** The columns decoded from record values, in output order; empty if only metadata is read. */
    RowSchema valueColumns() {
        return valueColumns;
    }

    /** Output index of each of {@link #valueColumns()}. */
    int valueColumnOutputIndex(int valueColumn) {
        return valueColumnOutputIndexes[valueColumn];
    }

    /** The output index of {@link StreamSource#DELETED_COLUMN}, or -1 if the scan does not read it. */
    int deletedIndex() {
        return deletedIndex;
    }

    /** The metadata column at output index {@code i}, or null if it is a value column (or the deleted flag). */
    KafkaMetadataColumn metadataColumn(int i) {
        return metadataColumns[i];
    }
}
