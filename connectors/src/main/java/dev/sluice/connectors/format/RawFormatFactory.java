package dev.sluice.connectors.format;

import dev.sluice.execution.type.RowSchema;
import java.util.List;

/**
 * Format {@code 'raw'}: records are not decoded. The table has one VARCHAR column holding each record as it is
 * ({@link RawRecordDecoder}: never malformed; a null Kafka value is NULL), and a row is written as that column's
 * bytes ({@link RawRowEncoder}): for counting, inspecting or forwarding records of any encoding. No options.
 */
public final class RawFormatFactory implements FormatFactory {
    public static final String IDENTIFIER = "raw";

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
        try {
            RawRecordDecoder.checkColumns(declared);
        } catch (IllegalArgumentException e) {
            throw context.error(IDENTIFIER, e.getMessage());
        }
        return new Format() {
            @Override
            public RecordDecoder decoder(RowSchema decoded) {
                return new RawRecordDecoder(declared, decoded);
            }

            @Override
            public RecordEncoder encoder(RowSchema columns) {
                return new RawRowEncoder(columns);
            }
        };
    }
}
