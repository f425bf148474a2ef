package dev.sluice.connectors.format;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Encodes rows as RFC 4180 CSV lines (without the line break): fields containing a comma, a quote or a
 * line break are quoted, quotes doubled; NULL is an empty field; TIMESTAMP as
 * {@code yyyy-MM-dd HH:mm:ss.SSS}.
 */
public final class CsvRowEncoder implements RecordEncoder {
    private final RowSchema schema;
    private final char delimiter;

    public CsvRowEncoder(RowSchema schema) {
        this(schema, ',');
    }

    public CsvRowEncoder(RowSchema schema, char delimiter) {
        this.schema = requireNonNull(schema, "schema is null");
        this.delimiter = delimiter;
    }

    /** The header line: the column names. */
    public String header() {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < schema.size(); c++) {
            if (c > 0) {
                sb.append(delimiter);
            }
            appendField(sb, schema.column(c).name());
        }
        return sb.toString();
    }

    @Override
    public byte[] encode(VectorSchemaRoot root, int row) {
        return line(root, row).getBytes(StandardCharsets.UTF_8);
    }

    /** The CSV line of row {@code row} of {@code root}, whose columns match the schema by position. */
    public String line(VectorSchemaRoot root, int row) {
        List<FieldVector> vectors = root.getFieldVectors();
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < schema.size(); c++) {
            if (c > 0) {
                sb.append(delimiter);
            }
            Object value = VectorValues.get(vectors.get(c), row);
            if (value != null) {
                appendField(sb, VectorValues.format(value));
            }
        }
        return sb.toString();
    }

    private void appendField(StringBuilder sb, String text) {
        boolean quote = text.indexOf(delimiter) >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0
                || text.indexOf('\r') >= 0 || text.isEmpty();
        if (!quote) {
            sb.append(text);
            return;
        }
        sb.append('"').append(text.replace("\"", "\"\"")).append('"');
    }
}
