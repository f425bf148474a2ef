package dev.sluice.connectors.file;

import static java.util.Objects.requireNonNull;

import dev.sluice.connectors.format.Format;
import dev.sluice.connectors.format.RecordDecoder;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.fs.FileSystemLocation;
import dev.sluice.execution.source.PartitionReader;
import dev.sluice.execution.source.RangeSequenceReader;
import dev.sluice.execution.source.ScanSpec;
import dev.sluice.execution.source.SourceException;
import dev.sluice.execution.source.SourcePartition;
import dev.sluice.execution.source.StreamSource;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * A directory of files of lines read as a table, in its format: each file is a partition, its offsets are its
 * record numbers (non-blank lines, after a header if the format has one). A directory a Sluice file sink writes is read
 * through its manifest, so only committed files count. Files that appear later are new partitions, so a
 * file table is a stream too; as the static side of a join it is read whole each batch.
 */
final class FileSource implements StreamSource {
    private final TableDescriptor table;
    private final FileSystemLocation dir;
    private final Format format;
    private final boolean header;
    /** Records of each file read so far, by path and modification time: files are read once, not each batch. */
    private final Map<String, FileRecords> cache = new ConcurrentHashMap<>();

    /** A file's records (non-blank lines after any header) and the line number (1-based) of each. */
    record FileRecords(List<byte[]> records, int[] lineNumbers) {
    }

    FileSource(TableDescriptor table, Format format) {
        this.table = requireNonNull(table, "table is null");
        this.dir = FileSystemLocation.of(table.option(FileSystemConnector.PATH).orElseThrow());
        this.format = requireNonNull(format, "format is null");
        this.header = format.header(table.schema()).isPresent();
    }

    @Override
    public String name() {
        return table.name();
    }

    @Override
    public RowSchema schema() {
        return table.schema();
    }

    @Override
    public Map<SourcePartition, Long> initialOffsets() {
        Map<SourcePartition, Long> offsets = new TreeMap<>();
        files().keySet().forEach(p -> offsets.put(p, 0L));
        return offsets;
    }

    @Override
    public Map<SourcePartition, Long> latestOffsets() {
        Map<SourcePartition, Long> offsets = new TreeMap<>();
        files().forEach((p, status) -> offsets.put(p, (long) records(status).records().size()));
        return offsets;
    }

    @Override
    public PartitionReader openReader(ScanSpec spec, BufferAllocator allocator) {
        return RangeSequenceReader.of(spec, one -> openFile(one, allocator));
    }

    /** A reader of one file's range of lines. */
    private PartitionReader openFile(ScanSpec spec, BufferAllocator allocator) {
        FileStatus status = files().get(spec.range().partition());
        if (status == null) {
            throw new SourceException("File '" + spec.range().partition().topic() + "' of table '" + table.name()
                    + "' in " + dir.path() + " is gone");
        }
        List<String> names = spec.columns();
        // A file's lines are rows, never deletes: the deleted flag of a table with a primary key is FALSE.
        int deleted = names.indexOf(StreamSource.DELETED_COLUMN);
        RowSchema columns = new RowSchema(names.stream().map(n -> n.equals(StreamSource.DELETED_COLUMN)
                ? new Column(n, ColumnType.BOOLEAN, false) : table.schema().find(n).orElseThrow(
                () -> new IllegalArgumentException("Table '" + table.name() + "' has no column '" + n + "'"))).toList());
        RowSchema decoded = new RowSchema(columns.columns().stream()
                .filter(c -> !c.name().equals(StreamSource.DELETED_COLUMN)).toList());
        // The decoder checks every record against all the table's columns, also when few or none are read (COUNT(*)).
        RecordDecoder decoder = format.decoder(decoded);
        return new FilePartitionReader(table.name(), status.getPath().toString(), spec, columns, deleted, decoder,
                records(status), allocator);
    }

    @Override
    public void close() {
        cache.clear();
    }

    /** The table's data files by partition (file name), in name order. */
    private Map<SourcePartition, FileStatus> files() {
        Map<SourcePartition, FileStatus> files = new TreeMap<>();
        try {
            if (!dir.fs().exists(dir.path())) {
                throw new SourceException("The directory " + dir.path() + " of table '" + table.name()
                        + "' does not exist");
            }
            // A sink's directory (it has a manifest) is read through it, even while no batch had rows.
            Optional<List<Path>> committed = FileSinkManifest.read(dir.path().toString());
            if (committed.isPresent()) {
                for (Path p : committed.get()) {
                    Path full = p.isAbsolute() ? p : new Path(dir.path(), p);
                    files.put(new SourcePartition(full.getName(), 0), dir.fs().getFileStatus(full));
                }
                return files;
            }
            for (FileStatus status : dir.fs().listStatus(dir.path())) {
                String name = status.getPath().getName();
                if (status.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
                    files.put(new SourcePartition(name, 0), status);
                }
            }
            return files;
        } catch (IOException e) {
            throw new SourceException("Can't list the files of table '" + table.name() + "' in " + dir.path() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The records (non-blank lines after any header) of a file. */
    private FileRecords records(FileStatus status) {
        String key = status.getPath() + "@" + status.getModificationTime() + "/" + status.getLen();
        return cache.computeIfAbsent(key, k -> {
            try (InputStream in = dir.fs().open(status.getPath())) {
                String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
                int first = header ? 1 : 0;  // the column names
                List<byte[]> records = new ArrayList<>();
                int[] lineNumbers = new int[lines.length];
                for (int i = first; i < lines.length; i++) {
                    if (!lines[i].isBlank()) {
                        lineNumbers[records.size()] = i + 1;
                        records.add(lines[i].getBytes(StandardCharsets.UTF_8));
                    }
                }
                return new FileRecords(List.copyOf(records), java.util.Arrays.copyOf(lineNumbers, records.size()));
            } catch (IOException e) {
                throw new SourceException("Can't read " + status.getPath() + " of table '" + table.name() + "': "
                        + e.getMessage(), e);
            }
        });
    }
}
