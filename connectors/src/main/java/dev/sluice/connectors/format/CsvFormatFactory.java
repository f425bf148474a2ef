package dev.sluice.connectors.format;

import dev.sluice.execution.type.RowSchema;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Format {@code 'csv'}: one RFC 4180 line per record, fields matched to the columns by position
 * ({@link CsvRecordDecoder}, {@link CsvRowEncoder}).
 */
public final class CsvFormatFactory implements FormatFactory {
    public static final String IDENTIFIER = "csv";

    public static final FormatOption FIELD_DELIMITER = FormatOption.of("csv.field-delimiter", ",",
            "The one character between fields: ',' (default), or e.g. ';', '|', '\\t' (a tab).");
    public static final FormatOption HEADER = FormatOption.of("csv.header", "false",
            "Files only: 'true' if each file's first line holds the column names (written, and skipped when "
            + "read). Default 'false'.");

    @Override
    public String identifier() {
        return IDENTIFIER;
    }

    @Override
    public List<FormatOption> options() {
        return List.of(FIELD_DELIMITER, HEADER);
    }

    @Override
    public Format create(FormatContext context) {
        String delimiterText = context.option(FIELD_DELIMITER).orElseThrow();
        String unescaped = delimiterText.equals("\\t") ? "\t" : delimiterText;
        if (unescaped.length() != 1 || unescaped.equals("\"") || unescaped.equals("\n") || unescaped.equals("\r")) {
            throw context.error(IDENTIFIER, "option '" + FIELD_DELIMITER.key() + "' must be one character other than "
                    + "a quote or a line break, not '" + delimiterText + "'");
        }
        char delimiter = unescaped.charAt(0);
        String headerText = context.option(HEADER).orElseThrow().trim().toLowerCase(Locale.ROOT);
        if (!headerText.equals("true") && !headerText.equals("false")) {
            throw context.error(IDENTIFIER, "option '" + HEADER.key() + "' must be 'true' or 'false', not '"
                    + context.option(HEADER).orElseThrow() + "'");
        }
        boolean header = headerText.equals("true");
        RowSchema declared = context.columns();
        return new Format() {
            @Override
            public RecordDecoder decoder(RowSchema decoded) {
                return new CsvRecordDecoder(declared, decoded, delimiter);
            }

            @Override
            public RecordEncoder encoder(RowSchema columns) {
                return new CsvRowEncoder(columns, delimiter);
            }

            @Override
            public Optional<byte[]> header(RowSchema columns) {
                return header ? Optional.of(new CsvRowEncoder(columns, delimiter).header()
                        .getBytes(StandardCharsets.UTF_8)) : Optional.empty();
            }

            @Override
            public byte[] lineSeparator() {
                return new byte[] {'\r', '\n'};
            }
        };
    }
}
