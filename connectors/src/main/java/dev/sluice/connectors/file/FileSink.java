package dev.sluice.connectors.file;

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
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each batch to one file named by its batch id ({@code part-<batchId>.json|csv}), then records the
 * batch in the manifest ({@code _sluice_manifest/<batchId>}, listing the file). Both writes are atomic.
 *
 * <p>Exactly-once: a batch already in the manifest is not written again (a query that crashed after the
 * sink took a batch replays it on restart); a data file without a manifest entry (a crash in between) is
 * simply rewritten. Readers list committed files with {@link FileSinkManifest}. Called by one thread.
 */
final class FileSink implements StreamSink {
    private static final Logger LOG = LoggerFactory.getLogger(FileSink.class);

    private final FileSystemLocation dir;
    private final FileSystemConnector.FileFormat format;
    private final boolean csvHeader;

    FileSink(String path, FileSystemConnector.FileFormat format, boolean csvHeader) {
        this.dir = FileSystemLocation.of(path).mkdirs();
        this.format = format;
        this.csvHeader = csvHeader;
    }

    @Override
    public void addBatch(long batchId, RowSchema schema, List<VectorSchemaRoot> batches) throws IOException {
        FileSinkManifest manifest = new FileSinkManifest(dir);
        if (manifest.contains(batchId)) {
            LOG.info("Batch {} is already in {}; not written again", batchId, dir.path());
            return;
        }
        long rows = batches.stream().mapToLong(VectorSchemaRoot::getRowCount).sum();
        List<String> files = List.of();
        if (rows > 0) {
            String name = String.format("part-%020d.%s", batchId, format.extension);
            AtomicFileWriter.write(dir.fs(), new Path(dir.path(), name), out -> writeRows(schema, batches, out));
            files = List.of(name);
        }
        manifest.add(batchId, files);
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
}
