package dev.sluice.connectors.file;

import static java.util.Objects.requireNonNull;

import dev.sluice.connectors.format.Format;
import dev.sluice.connectors.format.RecordEncoder;
import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.fs.AtomicFileWriter;
import dev.sluice.execution.fs.FileSystemLocation;
import dev.sluice.execution.sink.StreamSink;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each batch of a query to one file named by the batch and query ids
 * ({@code part-<batchId>-<queryId>.<format>}, one record per line in the table's {@link Format}), then records it in the manifest
 * ({@code _sluice_manifest/<batchId>-<queryId>}, listing the file). Both writes are atomic.
 *
 * <p>Exactly-once: a batch the same query (same id: the same checkpoint) already committed is not written
 * again (a query that crashed after the sink took a batch replays it on restart); a data file without a
 * manifest entry (a crash in between) is simply rewritten. A batch of another query, or of the same query
 * name run with a new checkpoint, is written as that query's own: several queries can share a directory,
 * and readers list the committed files of all of them with {@link FileSinkManifest}.
 *
 * <p>Changelog ({@code 'sink.changelog'='true'}): every row is led by a change column {@value #CHANGE_COLUMN},
 * {@code +I} for an insert or {@code -D} for a delete of a row written before (Flink's notation, as the console
 * shows an updating result), so that the table takes a result that updates rows ({@link #addChanges}); a row
 * with weight n is written n times. Without the option the files hold rows only and such a result is refused,
 * since a reader could not tell a deleted row from a live one.
 *
 * <p>On open, the sink deletes the temp files a killed run of the same query left behind; another query's
 * temp files (their names hold its id) are left alone, since that query may be writing them. Called by one
 * thread.
 */
final class FileSink implements StreamSink {
    private static final Logger LOG = LoggerFactory.getLogger(FileSink.class);
    private static final Pattern QUERY_ID = Pattern.compile("[A-Za-z0-9_-]{1,100}");

    /** The first column of a changelog table's files: the row's change. */
    static final String CHANGE_COLUMN = "op";
    private static final String INSERT = "+I";
    private static final String DELETE = "-D";

    private final String table;
    private final FileSystemLocation dir;
    private final Format format;
    private final String extension;
    private final boolean changelog;
    private final String queryId;
    private final FileSinkManifest manifest;

    FileSink(String table, String path, Format format, String extension, boolean changelog, String queryId) {
        this.table = requireNonNull(table, "table is null");
        this.format = requireNonNull(format, "format is null");
        this.extension = requireNonNull(extension, "extension is null");
        this.changelog = changelog;
        this.queryId = requireNonNull(queryId, "queryId is null");
        if (!QUERY_ID.matcher(queryId).matches()) {
            throw new IllegalArgumentException("The file sink in " + path + " names its files by the query id, which"
                    + " must be 1 to 100 letters, digits, '-' or '_', not '" + queryId + "'");
        }
        this.dir = FileSystemLocation.of(path).mkdirs();
        this.manifest = new FileSinkManifest(dir);
        deleteTempFiles();
    }

    /** The name of the data file of batch {@code batchId} of query {@code queryId}. */
    static String dataFileName(long batchId, String queryId, String extension) {
        return String.format("part-%020d-%s.%s", batchId, queryId, extension);
    }

    /** Deletes the temp files of data files and manifest entries of this query: a killed run left them. */
    private void deleteTempFiles() {
        Pattern dataFile = Pattern.compile("part-\\d{20}-" + Pattern.quote(queryId) + "\\.[A-Za-z0-9]+");
        List<Path> deleted = new ArrayList<>(
                AtomicFileWriter.deleteTempFiles(dir.fs(), dir.path(), name -> dataFile.matcher(name).matches()));
        deleted.addAll(AtomicFileWriter.deleteTempFiles(dir.fs(), manifest.directory(),
                name -> FileSinkManifest.isEntryOf(name, queryId)));
        if (!deleted.isEmpty()) {
            LOG.info("Deleted {} temp files left in {} by an earlier run of query {}: {}", deleted.size(), dir.path(),
                    queryId, deleted.stream().map(Path::getName).toList());
        }
    }

    @Override
    public void addBatch(long batchId, RowSchema schema, List<VectorSchemaRoot> batches) throws IOException {
        // Wrapped, not owned: the batches are never closed here, the caller closes the roots.
        write(batchId, schema, ChangeBatch.inserts(batches));
    }

    @Override
    public boolean takesChanges() {
        return changelog;
    }

    @Override
    public Optional<String> howToTakeChanges() {
        return Optional.of("set 'sink.changelog'='true' on table '" + table + "': each row is then written led by a "
                + "change column '" + CHANGE_COLUMN + "' (+I or -D)");
    }

    @Override
    public void addChanges(long batchId, RowSchema schema, List<ChangeBatch> changes) throws IOException {
        if (!changelog) {
            throw new UnsupportedOperationException(this + " takes inserts only (no 'sink.changelog')");
        }
        write(batchId, schema, changes);
    }

    private void write(long batchId, RowSchema schema, List<ChangeBatch> changes) throws IOException {
        if (manifest.contains(batchId, queryId)) {
            LOG.info("Batch {} of query {} is already in {}; not written again", batchId, queryId, dir.path());
            return;
        }
        if (manifest.containsWithoutQueryId(batchId)) {
            LOG.info("Batch {} in {} was written by a query of an earlier Sluice (its manifest entry names no query);"
                    + " batch {} of query {} is written beside it", batchId, dir.path(), batchId, queryId);
        }
        long rows = changes.stream().mapToLong(ChangeBatch::rowCount).sum();
        List<String> files = List.of();
        if (rows > 0) {
            String name = dataFileName(batchId, queryId, extension);
            AtomicFileWriter.write(dir.fs(), new Path(dir.path(), name), out -> writeRows(schema, changes, out));
            files = List.of(name);
        }
        manifest.add(batchId, queryId, files);
    }

    private void writeRows(RowSchema schema, List<ChangeBatch> changes, OutputStream target) throws IOException {
        OutputStream out = new BufferedOutputStream(target, 1 << 16);
        // A changelog's rows are led by their change, as a first column of the format's own records.
        RowSchema written = changelog ? changeSchema(schema) : schema;
        RecordEncoder encoder = format.encoder(written);
        byte[] separator = format.lineSeparator();
        Optional<byte[]> header = format.header(written);
        if (header.isPresent()) {
            out.write(header.get());
            out.write(separator);
        }
        try (BufferAllocator allocator = changelog ? new RootAllocator() : null) {
            for (ChangeBatch change : changes) {
                VectorSchemaRoot rows = change.rows();
                VarCharVector ops = null;
                if (changelog) {
                    ops = new VarCharVector(CHANGE_COLUMN, allocator);
                    ops.allocateNew(change.rowCount());
                    for (int r = 0; r < change.rowCount(); r++) {
                        ops.setSafe(r, (change.weight(r) > 0 ? INSERT : DELETE).getBytes(StandardCharsets.UTF_8));
                    }
                    ops.setValueCount(change.rowCount());
                    List<FieldVector> vectors = new ArrayList<>();
                    vectors.add(ops);
                    vectors.addAll(rows.getFieldVectors());
                    rows = new VectorSchemaRoot(vectors.stream().map(FieldVector::getField).toList(), vectors,
                            change.rowCount());
                }
                try {
                    for (int r = 0; r < change.rowCount(); r++) {
                        byte[] line = encoder.encode(rows, r);
                        for (int n = 0; n < copies(change.weight(r)); n++) {
                            if (line != null) {
                                out.write(line);
                            }
                            out.write(separator);
                        }
                    }
                } finally {
                    if (ops != null) {
                        ops.close();
                    }
                }
            }
        }
        out.flush();
    }

    /** The columns of a changelog file: the change, then the rows' columns. */
    private static RowSchema changeSchema(RowSchema schema) {
        List<Column> columns = new ArrayList<>();
        columns.add(new Column(CHANGE_COLUMN, ColumnType.VARCHAR, false));
        columns.addAll(schema.columns());
        return new RowSchema(columns);
    }

    /** How many times a row of {@code weight} is written: once an insert of a table of rows only. */
    private int copies(int weight) {
        return changelog ? Math.abs(weight) : 1;
    }

    /** How messages name this sink. */
    @Override
    public String toString() {
        return "the file sink at " + dir.path();
    }
}
