package dev.sluice.connectors.file;

import static java.util.Objects.requireNonNull;

import dev.sluice.connectors.format.CsvRowEncoder;
import dev.sluice.connectors.format.JsonRowEncoder;
import dev.sluice.execution.fs.AtomicFileWriter;
import dev.sluice.execution.fs.FileSystemLocation;
import dev.sluice.execution.sink.StreamSink;
import dev.sluice.execution.type.RowSchema;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each batch of a query to one file named by the batch and query ids
 * ({@code part-<batchId>-<queryId>.json|csv}), then records it in the manifest
 * ({@code _sluice_manifest/<batchId>-<queryId>}, listing the file). Both writes are atomic.
 *
 * <p>Exactly-once: a batch the same query (same id: the same checkpoint) already committed is not written
 * again (a query that crashed after the sink took a batch replays it on restart); a data file without a
 * manifest entry (a crash in between) is simply rewritten. A batch of another query, or of the same query
 * name run with a new checkpoint, is written as that query's own: several queries can share a directory,
 * and readers list the committed files of all of them with {@link FileSinkManifest}.
 *
 * <p>On open, the sink deletes the temp files a killed run of the same query left behind; another query's
 * temp files (their names hold its id) are left alone, since that query may be writing them. Called by one
 * thread.
 */
final class FileSink implements StreamSink {
    private static final Logger LOG = LoggerFactory.getLogger(FileSink.class);
    private static final Pattern QUERY_ID = Pattern.compile("[A-Za-z0-9_-]{1,100}");

    private final FileSystemLocation dir;
    private final FileSystemConnector.FileFormat format;
    private final boolean csvHeader;
    private final String queryId;
    private final FileSinkManifest manifest;

    FileSink(String path, FileSystemConnector.FileFormat format, boolean csvHeader, String queryId) {
        this.format = requireNonNull(format, "format is null");
        this.csvHeader = csvHeader;
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
    static String dataFileName(long batchId, String queryId, FileSystemConnector.FileFormat format) {
        return String.format("part-%020d-%s.%s", batchId, queryId, format.extension);
    }

    /** Deletes the temp files of data files and manifest entries of this query: a killed run left them. */
    private void deleteTempFiles() {
        Pattern dataFile = Pattern.compile("part-\\d{20}-" + Pattern.quote(queryId) + "\\.(json|csv)");
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
        if (manifest.contains(batchId, queryId)) {
            LOG.info("Batch {} of query {} is already in {}; not written again", batchId, queryId, dir.path());
            return;
        }
        if (manifest.containsWithoutQueryId(batchId)) {
            LOG.info("Batch {} in {} was written by a query of an earlier Sluice (its manifest entry names no query);"
                    + " batch {} of query {} is written beside it", batchId, dir.path(), batchId, queryId);
        }
        long rows = batches.stream().mapToLong(VectorSchemaRoot::getRowCount).sum();
        List<String> files = List.of();
        if (rows > 0) {
            String name = dataFileName(batchId, queryId, format);
            AtomicFileWriter.write(dir.fs(), new Path(dir.path(), name), out -> writeRows(schema, batches, out));
            files = List.of(name);
        }
        manifest.add(batchId, queryId, files);
    }

    private void writeRows(RowSchema schema, List<VectorSchemaRoot> batches, OutputStream target) throws IOException {
        OutputStream out = new BufferedOutputStream(target, 1 << 16);
        if (format == FileSystemConnector.FileFormat.JSON) {
            JsonRowEncoder encoder = new JsonRowEncoder(schema);
            for (VectorSchemaRoot root : batches) {
                for (int r = 0; r < root.getRowCount(); r++) {
                    out.write(encoder.encode(root, r));
                    out.write('\n');
                }
            }
        } else {
            CsvRowEncoder encoder = new CsvRowEncoder(schema);
            if (csvHeader) {
                out.write((encoder.header() + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
            for (VectorSchemaRoot root : batches) {
                for (int r = 0; r < root.getRowCount(); r++) {
                    out.write((encoder.encode(root, r) + "\r\n").getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        out.flush();
    }

    /** How messages name this sink. */
    @Override
    public String toString() {
        return "the file sink at " + dir.path();
    }
}
