package dev.sluice.chaos;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A flat JSON object (one input record or one output row) as its fields' texts in document order; JSON
 * null becomes {@code "null"}. The harness reads both the input it produced and the rows a sink holds this
 * way, independently of Sluice's own decoder.
 */
final class JsonRow {
    private static final JsonFactory JSON = new JsonFactory();

    private JsonRow() {
    }

    /**
     * The fields of {@code json}.
     *
     * @throws IllegalArgumentException if it is not one flat JSON object, naming the text
     */
    static Map<String, String> parse(String json) {
        Map<String, String> fields = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("Not a JSON object: " + json);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    throw new IllegalArgumentException("Not a flat JSON object (field " + name + "): " + json);
                }
                fields.put(name, value == JsonToken.VALUE_NULL ? "null" : p.getText());
            }
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("Text after the JSON object: " + json);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("Not valid JSON: " + json + " (" + e.getMessage() + ")", e);
        }
        return fields;
    }

    /** The fields' texts in document order, joined with {@code |}: the canonical form rows are compared in. */
    static String canonical(String json) {
        return String.join("|", parse(json).values());
    }
}
