package dev.sluice.connectors.format;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.FieldVector;

/**
 * Decodes a CSV line (RFC 4180 quoting: {@code "a ""quoted"", value"}) into the vectors of the requested
 * columns, by position: the file's first field is the table's first column. An empty field is NULL.
 * Timestamps are epoch milliseconds or ISO-8601 date-times, as in JSON. Every field of a line is checked
 * against its column's type, also the fields of columns not requested, so whether a line is malformed
 * never depends on which columns a query reads.
 */
public final class CsvRecordDecoder implements RecordDecoder {
    private final RowSchema fileColumns;
    /** Per column of the file: the index of the vector it is decoded into, or -1 if it is only checked. */
    private final int[] vectorIndexes;
    /** Indexes of requested columns that the file does not have (always NULL). */
    private final int[] absent;
    private final char delimiter;
    private List<? extends FieldVector> vectors = List.of();

    /**
     * @param fileColumns the columns of the file, in order
     * @param columns the columns to decode (a subset of the file's), in the order of the bound vectors
     */
    public CsvRecordDecoder(RowSchema fileColumns, RowSchema columns) {
        this(fileColumns, columns, ',');
    }

    /**
     * @param fileColumns the columns of the file, in order
     * @param columns the columns to decode (a subset of the file's), in the order of the bound vectors
     * @param delimiter the character between fields
     */
    public CsvRecordDecoder(RowSchema fileColumns, RowSchema columns, char delimiter) {
        this.delimiter = delimiter;
        this.fileColumns = requireNonNull(fileColumns, "fileColumns is null");
        requireNonNull(columns, "columns is null");
        this.vectorIndexes = new int[fileColumns.size()];
        java.util.Arrays.fill(vectorIndexes, -1);
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            int position = fileColumns.indexOf(columns.column(i).name());
            if (position < 0) {
                missing.add(i);
            } else {
                vectorIndexes[position] = i;
            }
        }
        this.absent = missing.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public void bind(List<? extends FieldVector> vectors) {
        this.vectors = List.copyOf(vectors);
    }

    @Override
    public void decode(byte[] value, int offset, int length, int row) throws RecordDecoderException {
        if (value == null) {
            throw new RecordDecoderException("the record has no value (null)");
        }
        List<String> fields = fields(new String(value, offset, length, StandardCharsets.UTF_8), delimiter);
        for (int position = 0; position < vectorIndexes.length; position++) {
            String field = position < fields.size() ? fields.get(position) : null;
            int vector = vectorIndexes[position];
            try {
                Object parsed = parse(field, fileColumns.column(position).type());
                if (vector >= 0) {
                    VectorValues.set(vectors.get(vector), row, parsed);
                }
            } catch (RuntimeException e) {
                for (FieldVector v : vectors) {
                    v.setNull(row);
                }
                throw new RecordDecoderException("column '" + fileColumns.column(position).name() + "': can't read '"
                        + field + "' as " + fileColumns.column(position).type().sqlName());
            }
        }
        for (int vector : absent) {
            vectors.get(vector).setNull(row);
        }
    }

    private static Object parse(String field, ColumnType type) {
        if (field == null || field.isEmpty()) {
            return null;
        }
        return switch (type) {
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
        return fields(line, ',');
    }

    /** The fields of a CSV line whose fields {@code delimiter} separates. */
    static List<String> fields(String line, char delimiter) {
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
            } else if (c == delimiter) {
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
