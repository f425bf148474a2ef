package dev.sluice.connectors.format;

import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A format written as a third party would add one (as Avro would be): only this class and its line in
 * {@code META-INF/services/dev.sluice.connectors.format.FormatFactory} (test resources), nothing else of Sluice
 * changed. Format {@code 'kv'}: a record is {@code name=value} pairs separated by {@code 'kv.separator'}
 * (default a space), e.g. {@code id=7 name=ann}; a column without a pair is NULL; values are text parsed as
 * the column's type (through {@link VectorValues}, not the JSON or CSV code).
 */
public final class KeyValueFormatFactory implements FormatFactory {
    static final FormatOption SEPARATOR = FormatOption.of("kv.separator", " ",
            "The one character between pairs. Default a space.");

    @Override
    public String identifier() {
        return "kv";
    }

    @Override
    public List<FormatOption> options() {
        return List.of(SEPARATOR);
    }

    @Override
    public Format create(FormatContext context) {
        String separator = context.option(SEPARATOR).orElseThrow();
        if (separator.length() != 1 || separator.equals("=")) {
            throw context.error("kv", "option 'kv.separator' must be one character other than '=', not '" + separator
                    + "'");
        }
        RowSchema declared = context.columns();
        return new Format() {
            @Override
            public RecordDecoder decoder(RowSchema decoded) {
                return new RecordDecoder() {
                    private List<? extends FieldVector> vectors = List.of();

                    @Override
                    public void bind(List<? extends FieldVector> bound) {
                        vectors = List.copyOf(bound);
                    }

                    @Override
                    public void decode(byte[] value, int offset, int length, int row) throws RecordDecoderException {
                        if (value == null) {
                            throw new RecordDecoderException("no value");
                        }
                        Map<String, String> pairs = new HashMap<>();
                        for (String pair : new String(value, offset, length, StandardCharsets.UTF_8).split(java.util.regex.Pattern
                                .quote(separator))) {
                            int eq = pair.indexOf('=');
                            if (eq <= 0) {
                                throw new RecordDecoderException("'" + pair + "' is not name=value");
                            }
                            pairs.put(pair.substring(0, eq), pair.substring(eq + 1));
                        }
                        Map<String, Object> parsed = new HashMap<>();
                        for (Column c : declared.columns()) {  // every declared column is checked
                            String text = pairs.get(c.name());
                            try {
                                parsed.put(c.name(), text == null ? null : switch (c.type()) {
                                    case BIGINT -> Long.parseLong(text);
                                    case INTEGER -> Integer.parseInt(text);
                                    case DOUBLE -> Double.parseDouble(text);
                                    case BOOLEAN -> Boolean.parseBoolean(text);
                                    case VARCHAR -> text;
                                    case TIMESTAMP -> VectorValues.toLocalDateTime(Long.parseLong(text));
                                });
                            } catch (NumberFormatException e) {
                                vectors.forEach(v -> v.setNull(row));
                                throw new RecordDecoderException("column '" + c.name() + "': '" + text + "' is no "
                                        + c.type().sqlName());
                            }
                        }
                        for (int i = 0; i < decoded.size(); i++) {
                            VectorValues.set(vectors.get(i), row, parsed.get(decoded.column(i).name()));
                        }
                    }
                };
            }

            @Override
            public RecordEncoder encoder(RowSchema columns) {
                return (VectorSchemaRoot root, int row) -> {
                    StringBuilder sb = new StringBuilder();
                    for (int c = 0; c < columns.size(); c++) {
                        Object v = VectorValues.get(root.getVector(c), row);
                        if (v != null) {
                            if (sb.length() > 0) {
                                sb.append(separator);
                            }
                            sb.append(columns.column(c).name()).append('=').append(v instanceof java.time.LocalDateTime t
                                    ? VectorValues.toEpochMillis(t) : v);
                        }
                    }
                    return sb.toString().getBytes(StandardCharsets.UTF_8);
                };
            }
        };
    }
}
