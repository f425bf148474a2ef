package dev.sluice.connectors.file;

import static java.util.Objects.requireNonNull;

import dev.sluice.connectors.format.Format;
import dev.sluice.connectors.format.RecordEncoder;
import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.fs.AtomicFileWriter;
import dev.sluice.execution.fs.FileSystemLocation;
import dev.sluice.execution.sink.BatchWriter;
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
 * ({@code _sluice_manifest/<batchId>-<queryId>}, listing the file). Both writes are atomic. A query's rows are
 * written as they come ({@link #openBatch}), into the data file's temp file, which the batch's commit renames into
 * place before the manifest entry; a batch that fails leaves no file.
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

    /** Rows as they come: into the batch's data file, which the commit renames into place and lists in the manifest. */
    @Override
    public boolean writesRowsAsTheyCome() {
        return true;
    }

    @Override
    public BatchWriter openBatch(long batchId, RowSchema schema) {
        return new FileBatchWriter(batchId, schema);
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
        try (FileBatchWriter writer = new FileBatchWriter(batchId, schema)) {
            for (ChangeBatch change : changes) {
                writer.write(change);
            }
            writer.commit();
        }
    }

    /**
     * One batch's rows on their way to its data file: the file is opened at the first row (a batch without rows
     * has none) and written as rows come; the commit renames it into place and lists it in the manifest, a close
     * without the commit deletes it. A batch the manifest lists already (a replay) is not written again.
     */
    private final class FileBatchWriter implements BatchWriter {
        private final long batchId;
        private final RowSchema schema;
        /** Whether the manifest lists the batch; null until the first row or the commit. */
        private Boolean written;
        private AtomicFileWriter.Pending file;
        private OutputStream out;
        private RecordEncoder encoder;
        private byte[] separator;
        private BufferAllocator changeAllocator;

        FileBatchWriter(long batchId, RowSchema schema) {
            this.batchId = batchId;
            this.schema = schema;
        }

        @Override
        public void write(VectorSchemaRoot rows) throws IOException {
            write(ChangeBatch.inserts(List.of(rows)).get(0));
        }

        void write(ChangeBatch change) throws IOException {
            if (change.rowCount() == 0 || alreadyWritten()) {
                return;
            }
            if (file == null) {
                open();
            }
            VectorSchemaRoot rows = change.rows();
            VarCharVector ops = null;
            if (changelog) {
                // A changelog's rows are led by their change, as a first column of the format's own records.
                ops = new VarCharVector(CHANGE_COLUMN, changeAllocator);
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

        private void open() throws IOException {
            RowSchema written = changelog ? changeSchema(schema) : schema;
            encoder = format.encoder(written);
            separator = format.lineSeparator();
            changeAllocator = changelog ? new RootAllocator() : null;
            file = AtomicFileWriter.open(dir.fs(), new Path(dir.path(), dataFileName(batchId, queryId, extension)));
            out = new BufferedOutputStream(file.stream(), 1 << 16);
            Optional<byte[]> header = format.header(written);
            if (header.isPresent()) {
                out.write(header.get());
                out.write(separator);
            }
        }

        @Override
        public void commit() throws IOException {
            if (alreadyWritten()) {
                return;
            }
            List<String> files = List.of();
            if (file != null) {
                out.flush();
                file.commit();
                files = List.of(dataFileName(batchId, queryId, extension));
            }
            manifest.add(batchId, queryId, files);
        }

        private boolean alreadyWritten() throws IOException {
            if (written == null) {
                written = manifest.contains(batchId, queryId);
                if (written) {
                    LOG.info("Batch {} of query {} is already in {}; not written again", batchId, queryId, dir.path());
                } else if (manifest.containsWithoutQueryId(batchId)) {
                    LOG.info("Batch {} in {} was written by a query of an earlier Sluice (its manifest entry names no "
                            + "query); batch {} of query {} is written beside it", batchId, dir.path(), batchId, queryId);
                }
            }
            return written;
        }

        /** Deletes the data file unless committed. */
        @Override
        public void close() {
            try {
                if (file != null) {
                    file.close();
                }
            } catch (IOException e) {
                LOG.warn("Could not delete the unfinished data file of batch {} in {}", batchId, dir.path(), e);
            } finally {
                if (changeAllocator != null) {
                    changeAllocator.close();
                }
            }
        }
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
