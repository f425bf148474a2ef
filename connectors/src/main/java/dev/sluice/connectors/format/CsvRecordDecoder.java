package dev.sluice.connectors.format;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.FieldVector;

/**
 * Decodes a CSV line (RFC 4180 quoting: {@code "a ""quoted"", value"}) into the vectors of the declared
 * columns, by position: the file's first field is the table's first column. An empty field is NULL.
 * Timestamps are epoch milliseconds or ISO-8601 date-times, as in JSON.
 */
public final class CsvRecordDecoder implements RecordDecoder {
    private final RowSchema columns;
    private final int[] positions;
    private List<? extends FieldVector> vectors = List.of();

    /**
     * @param fileColumns the columns of the file, in order
     * @param columns the columns to decode (a subset of the file's), in the order of the bound vectors
     */
    public CsvRecordDecoder(RowSchema fileColumns, RowSchema columns) {
        this.columns = requireNonNull(columns, "columns is null");
        this.positions = new int[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            positions[i] = fileColumns.indexOf(columns.column(i).name());
        }
    }

    @Override
    public void bind(List<? extends FieldVector> vectors) {
        this.vectors = List.copyOf(vectors);
    }

    @Override
    public void decode(byte[] value, int row) throws RecordDecoderException {
        List<String> fields = fields(new String(value, StandardCharsets.UTF_8));
        for (int i = 0; i < positions.length; i++) {
            String field = positions[i] >= 0 && positions[i] < fields.size() ? fields.get(positions[i]) : null;
            try {
                VectorValues.set(vectors.get(i), row, parse(field, i));
            } catch (RuntimeException e) {
                for (FieldVector v : vectors) {
                    v.setNull(row);
                }
                throw new RecordDecoderException("column '" + columns.column(i).name() + "': can't read '" + field
                        + "' as " + columns.column(i).type().sqlName());
            }
        }
    }

    private Object parse(String field, int column) {
        if (field == null || field.isEmpty()) {
            return null;
        }
        return switch (columns.column(column).type()) {
            case BOOLEAN -> switch (field.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                default -> throw new IllegalArgumentException(field);
            };
            case INTEGER -> Integer.parseInt(field.trim());
            case BIGINT -> Long.parseLong(field.trim());
            case DOUBLE -> Double.parseDouble(field.trim());
            case VARCHAR -> field;
            case TIMESTAMP -> {
                String t = field.trim();
                long millis = t.chars().allMatch(Character::isDigit) ? Long.parseLong(t)
                        : TimestampDecoder.parse(t.toCharArray(), 0, t.length());
                if (millis == TimestampDecoder.INVALID) {
                    throw new IllegalArgumentException(t);
                }
                yield VectorValues.toLocalDateTime(millis);
            }
        };
    }

    /** The fields of a CSV line. */
    static List<String> fields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else if (c != '\r') {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }
}
