package dev.sluice.connectors.file;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.error.EngineException;
import dev.sluice.execution.error.ErrorType;
import dev.sluice.execution.fs.AtomicFileWriter;
import dev.sluice.execution.fs.FileSystemLocation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * The manifest of a file sink directory: which data files are committed output, and which query committed
 * them. Only files listed here are committed; anything else in the directory is to be ignored by readers.
 *
 * <p>One entry per batch of each query, written (atomically, never replaced) after the batch's data file:
 * {@code _sluice_manifest/<batchId>-<queryId>}, holding the version line {@code v2}, the line
 * {@code query <queryId>}, then the batch's data file names, one per line. Several queries may write into
 * one directory: each has its own entries, so a batch id taken by one query does not hide another's.
 *
 * <p>Directories written before entries named their query hold {@code _sluice_manifest/<batchId>} entries
 * ({@code v1}, then the file names); they stay readable, and count as another query's.
 */
public final class FileSinkManifest {
    static final String DIRECTORY = "_sluice_manifest";
    private static final String VERSION = "v2";
    private static final String VERSION_WITHOUT_QUERY = "v1";
    private static final String QUERY = "query ";
    private static final Pattern ENTRY = Pattern.compile("(\\d{1,19})(?:-([A-Za-z0-9_-]+))?");
    /** By batch, then the entries of the layout without query ids first, then by query id. */
    private static final Comparator<Entry> ORDER = Comparator.comparingLong(Entry::batchId)
            .thenComparing(e -> e.queryId().orElse(""));

    private final FileSystemLocation dir;
    private final Path manifestDir;

    FileSinkManifest(FileSystemLocation dir) {
        this.dir = requireNonNull(dir, "dir is null");
        this.manifestDir = dir.child(DIRECTORY);
    }

    /** One committed batch of one query. */
    record Entry(long batchId, Optional<String> queryId, List<Path> files) {
        Entry {
            requireNonNull(queryId, "queryId is null");
            files = List.copyOf(files);
        }
    }

    /**
     * The committed data files of the sink directory {@code path}, of every query that wrote there, in batch
     * order; empty if none (or if no file sink wrote there).
     */
    public static List<Path> committedFiles(String path) {
        return read(path).orElse(List.of());
    }

    /**
     * The committed data files of the sink directory {@code path} as {@link #committedFiles}, or empty if
     * the directory has no manifest (it is not a file sink's).
     */
    public static Optional<List<Path>> read(String path) {
        FileSinkManifest manifest = new FileSinkManifest(FileSystemLocation.of(path));
        try {
            if (!manifest.dir.fs().exists(manifest.manifestDir)) {
                return Optional.empty();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Can't read the manifest of " + path + ": " + e.getMessage(), e);
        }
        List<Path> files = new ArrayList<>();
        manifest.entries().forEach(entry -> files.addAll(entry.files()));
        return Optional.of(files);
    }

    Path directory() {
        return manifestDir;
    }

    /** Whether query {@code queryId} committed batch {@code batchId} here. */
    boolean contains(long batchId, String queryId) throws IOException {
        return dir.fs().exists(entryPath(batchId, queryId));
    }

    /** Whether a query of the layout without query ids committed batch {@code batchId} here. */
    boolean containsWithoutQueryId(long batchId) throws IOException {
        return dir.fs().exists(new Path(manifestDir, Long.toString(batchId)));
    }

    /**
     * Commits batch {@code batchId} of query {@code queryId} (its data files written). Fails if the entry
     * exists: another writer of the same query committed it since this one looked.
     */
    void add(long batchId, String queryId, List<String> files) {
        String text = VERSION + "\n" + QUERY + queryId + "\n" + String.join("\n", files) + (files.isEmpty() ? "" : "\n");
        Path entry = entryPath(batchId, queryId);
        if (!AtomicFileWriter.writeIfAbsent(dir.fs(), entry, out -> out.write(text.getBytes(StandardCharsets.UTF_8)))) {
            throw new EngineException(ErrorType.EXTERNAL, "Batch " + batchId + " of query " + queryId + " was committed to " + dir.path()
                    + " by another writer while this one wrote it (" + entry + "): is the query running twice?");
        }
    }

    /** Whether {@code name} is the name of query {@code queryId}'s entry of some batch. */
    static boolean isEntryOf(String name, String queryId) {
        Matcher m = ENTRY.matcher(name);
        return m.matches() && queryId.equals(m.group(2));
    }

    private Path entryPath(long batchId, String queryId) {
        return new Path(manifestDir, batchId + "-" + queryId);
    }

    /** Every entry, in {@link #ORDER}. */
    List<Entry> entries() {
        List<Entry> entries = new ArrayList<>();
        try {
            if (!dir.fs().exists(manifestDir)) {
                return entries;
            }
            for (FileStatus status : dir.fs().listStatus(manifestDir)) {
                String name = status.getPath().getName();
                if (name.startsWith(".")) {
                    continue;  // a temp file of an interrupted write
                }
                Matcher m = ENTRY.matcher(name);
                if (!m.matches() || !status.isFile()) {
                    throw new EngineException(ErrorType.EXTERNAL, "The manifest of the file sink directory " + dir.path()
                            + " holds " + status.getPath() + ", which is not a manifest entry (<batchId>-<queryId>):"
                            + " written by a newer Sluice, or by hand?");
                }
                entries.add(read(status.getPath(), Long.parseLong(m.group(1)), Optional.ofNullable(m.group(2))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Can't read the manifest of " + dir.path() + ": " + e.getMessage(), e);
        }
        entries.sort(ORDER);
        return entries;
    }

    private Entry read(Path file, long batchId, Optional<String> queryId) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (InputStream in = dir.fs().open(file)) {
            in.transferTo(buffer);
        }
        List<String> lines = Arrays.asList(buffer.toString(StandardCharsets.UTF_8).split("\n"));
        String expected = queryId.isPresent() ? VERSION : VERSION_WITHOUT_QUERY;
        if (!lines.get(0).equals(expected)) {
            throw new EngineException(ErrorType.EXTERNAL, "Manifest file " + file + " does not start with the version line '"
                    + expected + "' (" + describe(lines.get(0)) + ")");
        }
        int first = 1;
        if (queryId.isPresent()) {
            String line = lines.size() > 1 ? lines.get(1) : "";
            if (!line.equals(QUERY + queryId.get())) {
                throw new EngineException(ErrorType.EXTERNAL, "Manifest file " + file + " should name query " + queryId.get()
                        + " on its second line (" + describe(line) + ")");
            }
            first = 2;
        }
        List<Path> files = lines.subList(Math.min(first, lines.size()), lines.size()).stream()
                .filter(l -> !l.isBlank()).map(dir::child).toList();
        return new Entry(batchId, queryId, files);
    }

    /** A line read from a manifest, for an error message: short, and no raw bytes of a garbled file. */
    private static String describe(String line) {
        if (line.isEmpty()) {
            return "found an empty line: truncated?";
        }
        if (!line.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            return "found " + line.length() + " characters that are not text: garbled?";
        }
        return line.length() > 40 ? "found a line of " + line.length() + " characters" : "found '" + line + "'";
    }
}
