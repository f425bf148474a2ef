package dev.sluice.connectors.format;

import dev.sluice.execution.type.RowSchema;
import java.util.List;

/**
 * Format {@code 'json'}: one JSON object per record, fields matched to columns by name
 * ({@link JsonRecordDecoder}, {@link JsonRowEncoder}). No options.
 */
public final class JsonFormatFactory implements FormatFactory {
    public static final String IDENTIFIER = "json";

    @Override
    public String identifier() {
        return IDENTIFIER;
    }

    @Override
    public List<FormatOption> options() {
        return List.of();
    }

    @Override
    public Format create(FormatContext context) {
        RowSchema declared = context.columns();
        return new Format() {
            @Override
            public RecordDecoder decoder(RowSchema decoded) {
                return new JsonRecordDecoder(declared, decoded);
            }

            @Override
            public RecordEncoder encoder(RowSchema columns) {
                return new JsonRowEncoder(columns);
            }
        };
    }
}
