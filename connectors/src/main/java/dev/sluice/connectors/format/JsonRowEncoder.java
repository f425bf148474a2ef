package dev.sluice.connectors.format;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDateTime;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Encodes rows of an Arrow batch as one JSON object each, keyed by column name. NULL values are written
 * as JSON null; TIMESTAMP as {@code "yyyy-MM-dd HH:mm:ss.SSS"}. Not thread-safe (reuses its buffer).
 */
public final class JsonRowEncoder implements RecordEncoder {
    private static final JsonFactory FACTORY = new JsonFactory();

    private final RowSchema schema;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);

    public JsonRowEncoder(RowSchema schema) {
        this.schema = requireNonNull(schema, "schema is null");
    }

    /** The JSON text of row {@code row} of {@code root}, whose columns match the schema by position. */
    @Override
    public byte[] encode(VectorSchemaRoot root, int row) {
        return encode(null, null, root, row);
    }

    /**
     * The JSON text of row {@code row} of {@code root} led by the text field {@code field} = {@code fieldValue} (e.g. a changelog's
     * {@code "op": "+I"}), which the schema must not hold.
     */
    public byte[] encode(String field, String fieldValue, VectorSchemaRoot root, int row) {
        buffer.reset();
        List<FieldVector> vectors = root.getFieldVectors();
        try (JsonGenerator g = FACTORY.createGenerator(buffer)) {
            g.writeStartObject();
            if (field != null) {
                g.writeStringField(field, fieldValue);
            }
            for (int c = 0; c < schema.size(); c++) {
                g.writeFieldName(schema.column(c).name());
                Object value = VectorValues.get(vectors.get(c), row);
                if (value == null) {
                    g.writeNull();
                } else if (value instanceof Boolean b) {
                    g.writeBoolean(b);
                } else if (value instanceof Integer i) {
                    g.writeNumber(i);
                } else if (value instanceof Long l) {
                    g.writeNumber(l);
                } else if (value instanceof Double d) {
                    g.writeNumber(d);
                } else if (value instanceof LocalDateTime t) {
                    g.writeString(VectorValues.format(t));
                } else {
                    g.writeString(value.toString());
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }
}
