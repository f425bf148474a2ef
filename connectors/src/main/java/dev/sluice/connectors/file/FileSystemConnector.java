package dev.sluice.connectors.file;

import dev.sluice.connectors.format.Format;
import dev.sluice.connectors.format.Formats;
import dev.sluice.execution.config.OptionDef;
import dev.sluice.execution.config.OptionTable;
import dev.sluice.execution.config.OptionType;
import dev.sluice.execution.connector.Connector;
import dev.sluice.execution.connector.ConnectorContext;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.error.EngineException;
import dev.sluice.execution.sink.StreamSink;
import dev.sluice.execution.source.StreamSource;
import dev.sluice.execution.type.RowSchema;
import java.util.List;

/**
 * Connector 'filesystem': a directory of files of lines, one record per line in any line format (json, csv,
 * raw: {@link dev.sluice.connectors.format.FormatFactory}), on any Hadoop FileSystem, written exactly-once per
 * batch by {@link FileSink} and read by {@link FileSource} (each file a partition).
 */
public final class FileSystemConnector implements Connector {
    public static final String IDENTIFIER = "filesystem";

    public static final String PATH = "path";
    public static final String FORMAT = "format";
    public static final String SINK_CHANGELOG = "sink.changelog";

    public static final OptionDef<String> PATH_OPTION = OptionDef.of(PATH, OptionType.STRING,
            "the directory: a Hadoop FileSystem URI (`file://`, `hdfs://`) or a local path. Required")
            .withDefaultText("required");
    public static final OptionDef<String> FORMAT_OPTION = OptionDef.of(FORMAT, OptionType.STRING,
            "the format of each line: `json` (one JSON object per line), `csv` or `raw` (any format on the class "
                    + "path). Its options (`csv.header`, `csv.field-delimiter`) start with its name. Required")
            .withDefaultText("required");
    public static final OptionDef<Boolean> SINK_CHANGELOG_OPTION = OptionDef.of(SINK_CHANGELOG, OptionType.BOOLEAN,
            "`true`: each row written is led by a change column `" + FileSink.CHANGE_COLUMN + "`, `+I` for an insert "
                    + "or `-D` for a delete of a row written before, so that the table takes a query result that "
                    + "updates rows (a Top-N, an aggregate over updating rows); `false`: rows only, and such a query "
                    + "is refused").withDefault(false, "false");

    /** The options of a filesystem table, each defined once (checks, the user guide's table). */
    public static final OptionTable OPTIONS = OptionTable.of(PATH_OPTION, FORMAT_OPTION, SINK_CHANGELOG_OPTION);

    @Override
    public String identifier() {
        return IDENTIFIER;
    }

    @Override
    public RowSchema validate(TableDescriptor table) {
        table.checkOptions("filesystem", OPTIONS.names(), Formats.optionPrefixes("").toArray(String[]::new));
        if (table.option(PATH).isEmpty()) {
            throw EngineException.userError("Filesystem table '" + table.name() + "' needs the option 'path'");
        }
        format(table);
        if (booleanOption(table, SINK_CHANGELOG_OPTION) && table.schema().names().stream()
                .anyMatch(FileSink.CHANGE_COLUMN::equalsIgnoreCase)) {
            throw EngineException.userError("Filesystem table '" + table.name() + "' has option '" + SINK_CHANGELOG
                    + "' and a column named '" + FileSink.CHANGE_COLUMN + "', the name of the change column it "
                    + "writes first; rename the column");
        }
        return new RowSchema(List.of());
    }

    private static boolean booleanOption(TableDescriptor table, OptionDef<Boolean> option) {
        return OptionTable.get(table.options(), option, "table '" + table.name() + "'").orElseThrow();
    }

    /** The table's format, made for its columns and checked with its options. */
    static Format format(TableDescriptor table) {
        String format = table.option(FORMAT).orElseThrow(() -> EngineException.userError(
                "Filesystem table '" + table.name() + "' needs the option 'format' (" + String.join(", ",
                Formats.identifiers()) + ")"));
        return Formats.create(table.name(), "value", FORMAT, format, table.schema(), table.options(), "");
    }

    /** The extension of the table's data files: its format's name. */
    static String extension(TableDescriptor table) {
        return Formats.factory(table.name(), FORMAT, table.option(FORMAT).orElseThrow()).identifier();
    }

    /** Reads the directory's files (committed ones only, for a directory a Sluice sink writes). */
    @Override
    public StreamSource createSource(TableDescriptor table, ConnectorContext context) {
        validate(table);
        return new FileSource(table, format(table));
    }

    @Override
    public StreamSink createSink(TableDescriptor table, ConnectorContext context) {
        validate(table);
        return new FileSink(table.name(), table.option(PATH).orElseThrow(), format(table), extension(table),
                booleanOption(table, SINK_CHANGELOG_OPTION), context.queryId());
    }
}
