package dev.sluice.connectors.file;

import dev.sluice.execution.connector.Connector;
import dev.sluice.execution.connector.ConnectorContext;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.sink.StreamSink;
import dev.sluice.execution.source.StreamSource;
import dev.sluice.execution.type.RowSchema;
import java.util.List;
import java.util.Map;

/**
 * Connector 'filesystem': a directory of JSON-lines or CSV files on any Hadoop FileSystem, written
 * exactly-once per batch by {@link FileSink} and read by {@link FileSource} (each file a partition).
 */
public final class FileSystemConnector implements Connector {
    public static final String IDENTIFIER = "filesystem";

    public static final String PATH = "path";
    public static final String PATH_DOC = "The directory: a Hadoop FileSystem URI (file://, hdfs://) or a local path. Required.";
    public static final String FORMAT = "format";
    public static final String FORMAT_DOC = "'json' (one JSON object per line) or 'csv'. Required.";
    public static final String CSV_HEADER = "csv.header";
    public static final String CSV_HEADER_DOC = "'true': the first line of each CSV file holds the column names (written, and skipped when read). Default 'false'.";

    public static final String SINK_CHANGELOG = "sink.changelog";
    public static final String SINK_CHANGELOG_DOC = "'true': each row written is led by a change column '"
            + FileSink.CHANGE_COLUMN + "', '+I' for an insert or '-D' for a delete of a row written before, so that "
            + "the table takes a query result that updates rows (a Top-N, an aggregate over updating rows). "
            + "Default 'false': rows only, and such a query is refused.";

    private static final Map<String, String> OPTION_DOCS = Map.of(PATH, PATH_DOC, FORMAT, FORMAT_DOC,
            CSV_HEADER, CSV_HEADER_DOC, SINK_CHANGELOG, SINK_CHANGELOG_DOC);

    @Override
    public String identifier() {
        return IDENTIFIER;
    }

    @Override
    public RowSchema validate(TableDescriptor table) {
        table.checkOptions("filesystem", OPTION_DOCS.keySet());
        if (table.option(PATH).isEmpty()) {
            throw new IllegalArgumentException("Filesystem table '" + table.name() + "' needs the option 'path'");
        }
        format(table);
        booleanOption(table, CSV_HEADER);
        if (booleanOption(table, SINK_CHANGELOG) && table.schema().names().stream()
                .anyMatch(FileSink.CHANGE_COLUMN::equalsIgnoreCase)) {
            throw new IllegalArgumentException("Filesystem table '" + table.name() + "' has option '" + SINK_CHANGELOG
                    + "' and a column named '" + FileSink.CHANGE_COLUMN + "', the name of the change column it "
                    + "writes first; rename the column");
        }
        return new RowSchema(List.of());
    }

    private static boolean booleanOption(TableDescriptor table, String option) {
        String value = table.option(option).orElse("false");
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException("Option '" + option + "' of table '" + table.name()
                    + "' must be 'true' or 'false', not '" + value + "'");
        }
        return value.equals("true");
    }

    static FileFormat format(TableDescriptor table) {
        String format = table.option(FORMAT).orElseThrow(() -> new IllegalArgumentException(
                "Filesystem table '" + table.name() + "' needs the option 'format' ('json' or 'csv')"));
        return switch (format) {
            case "json" -> FileFormat.JSON;
            case "csv" -> FileFormat.CSV;
            default -> throw new IllegalArgumentException("Unsupported format '" + format + "' for filesystem table '"
                    + table.name() + "' (supported: json, csv)");
        };
    }

    /** Reads the directory's files (committed ones only, for a directory a Sluice sink writes). */
    @Override
    public StreamSource createSource(TableDescriptor table, ConnectorContext context) {
        validate(table);
        return new FileSource(table, format(table), Boolean.parseBoolean(table.option(CSV_HEADER).orElse("false")));
    }

    @Override
    public StreamSink createSink(TableDescriptor table, ConnectorContext context) {
        validate(table);
        return new FileSink(table.name(), table.option(PATH).orElseThrow(), format(table),
                booleanOption(table, CSV_HEADER), booleanOption(table, SINK_CHANGELOG), context.queryId());
    }

    /** The file formats the sink writes. */
    enum FileFormat {
        JSON("json"), CSV("csv");

        final String extension;

        FileFormat(String extension) {
            this.extension = extension;
        }
    }
}
