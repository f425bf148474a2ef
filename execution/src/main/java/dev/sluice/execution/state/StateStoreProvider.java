package dev.sluice.execution.state;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.fs.FileSystemLocation;
import dev.sluice.execution.type.RowSchema;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpointed state of one stateful operator: a map from encoded key to encoded value, versioned by
 * the id of the batch that committed it, kept in {@code <checkpoint>/state/<operatorId>/} as one delta file
 * per version (keys changed and removed since the previous version) plus a snapshot (every key) after each
 * {@link StateStoreOptions#snapshotInterval()} deltas; the format is in docs/checkpoint-format.md.
 *
 * <p>Lifecycle per batch: {@link #getStore(long) getStore(lastCommittedBatch)} &gt; get/put/remove &gt;
 * {@link StateStore#commit(long) commit(batchId)} (or {@link StateStore#abort()}). The version just committed
 * stays in memory, so the next batch's {@code getStore} reads no file; any other version is rebuilt from the
 * newest snapshot at or below it plus the deltas after that snapshot. Files of versions above the one a
 * store was opened at (left by a run that crashed before its batch committed) are never read for it, and
 * are deleted when that store commits: the re-run of a batch replaces them.
 *
 * <p>The key and value schemas are written to {@code schema} on first open; opening the same operator id
 * with schemas of another fingerprint fails, naming both.
 *
 * <p>Not thread-safe: one writer (the task that runs the operator) per operator id and checkpoint; at most
 * one store open at a time. Holds no resources to close besides memory.
 */
public final class StateStoreProvider {
    private static final Logger LOG = LoggerFactory.getLogger(StateStoreProvider.class);
    private static final Pattern OPERATOR_ID = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern STATE_FILE = Pattern.compile("(\\d+)\\.(delta|snapshot)");
    /** Rough per-entry memory of the map beyond the key and value bytes (entry, key wrapper, array headers). */
    static final int ENTRY_OVERHEAD_BYTES = 96;

    private final FileSystem fs;
    private final Path directory;
    private final String operatorId;
    private final StateSchema schema;
    private final StateStoreOptions options;
    /** The key groups this provider holds: it loads only their keys and refuses others. */
    private final KeyGroups.Range keyGroups;
    private final TreeSet<Long> deltas = new TreeSet<>();
    private final TreeSet<Long> snapshots = new TreeSet<>();

    /** The state of {@link #loadedVersion}, or null when nothing is loaded (or a failed commit left it unknown). */
    private HashMap<StateKey, byte[]> loaded;
    private long loadedVersion;
    private long loadedBytes;
    private StateStore openStore;

    private StateStoreProvider(FileSystem fs, Path directory, String operatorId, StateSchema schema,
                               StateStoreOptions options, KeyGroups.Range keyGroups) {
        this.keyGroups = keyGroups;
        this.fs = fs;
        this.directory = directory;
        this.operatorId = operatorId;
        this.schema = schema;
        this.options = options;
    }

    /** {@link #open(FileSystemLocation, String, RowSchema, RowSchema, StateStoreOptions)} with default options. */
    public static StateStoreProvider open(FileSystemLocation checkpoint, String operatorId, RowSchema keySchema,
                                          RowSchema valueSchema) {
        return open(checkpoint, operatorId, keySchema, valueSchema, StateStoreOptions.DEFAULT);
    }

    /**
     * Opens (creating if needed) the state of {@code operatorId} under the checkpoint directory
     * {@code checkpoint}.
     *
     * @throws IllegalArgumentException if the operator id is not made of letters, digits, '-' and '_'
     * @throws IllegalStateException if the state was written for other key or value schemas
     * @throws UncheckedIOException if the file system fails
     */
    public static StateStoreProvider open(FileSystemLocation checkpoint, String operatorId, RowSchema keySchema,
                                          RowSchema valueSchema, StateStoreOptions options) {
        return open(checkpoint, operatorId, keySchema, valueSchema, options, KeyGroups.Range.ALL);
    }

    /**
     * As {@link #open(FileSystemLocation, String, RowSchema, RowSchema, StateStoreOptions)}, holding only the keys
     * of {@code keyGroups}: the state read from the files is filtered to them, and a store refuses a key of
     * another group. (One process per range, each with its own files, is the later step of scaling out.)
     */
    public static StateStoreProvider open(FileSystemLocation checkpoint, String operatorId, RowSchema keySchema,
                                          RowSchema valueSchema, StateStoreOptions options, KeyGroups.Range keyGroups) {
        requireNonNull(checkpoint, "checkpoint is null");
        requireNonNull(keyGroups, "keyGroups is null");
        requireNonNull(operatorId, "operatorId is null");
        requireNonNull(options, "options is null");
        if (!OPERATOR_ID.matcher(operatorId).matches()) {
            throw new IllegalArgumentException("State operator id '" + operatorId
                    + "' must be made of letters, digits, '-' and '_'");
        }
        Path directory = new Path(new Path(checkpoint.path(), "state"), operatorId);
        new FileSystemLocation(checkpoint.fs(), directory).mkdirs();
        StateSchema expected = StateSchema.of(keySchema, valueSchema);
        StateSchema found = StateFile.writeSchemaIfAbsent(checkpoint.fs(), new Path(directory, "schema"), expected);
        if (!found.fingerprint().equals(expected.fingerprint())) {
            throw new IllegalStateException("The state of operator '" + operatorId + "' in " + directory
                    + " was written for " + found.display() + ", but the query now needs " + expected.display()
                    + ". The stateful part of the query changed incompatibly; restart it with a new checkpoint"
                    + " location.");
        }
        StateStoreProvider provider = new StateStoreProvider(checkpoint.fs(), directory, operatorId, expected, options,
                keyGroups);
        provider.listFiles();
        return provider;
    }

    public String operatorId() {
        return operatorId;
    }

    public Path directory() {
        return directory;
    }

    public StateStoreOptions options() {
        return options;
    }

    /**
     * The highest version with a delta file. It may belong to a batch that never committed (the caller's
     * commit log says which batch to restore), so restores ask for a version, never for "the latest".
     */
    public OptionalLong latestVersionOnFile() {
        return deltas.isEmpty() ? OptionalLong.empty() : OptionalLong.of(deltas.last());
    }

    /**
     * Opens the state as of committed version {@code version} ({@link StateStore#EMPTY_VERSION} for the state
     * before the first batch). The store must be committed or aborted before the next {@code getStore}.
     *
     * @throws IllegalStateException if another store is open, the version is not on file (never written, or
     *     cleaned up), or its files are corrupt or from another history
     */
    public StateStore getStore(long version) {
        if (openStore != null) {
            throw new IllegalStateException("State store of operator '" + operatorId + "' at version "
                    + openStore.version() + " is still open; commit or abort it first");
        }
        if (loaded == null || loadedVersion != version) {
            load(version);
        }
        openStore = new StateStore(this, version, loaded);
        return openStore;
    }

    private void load(long version) {
        loaded = null;
        if (version < StateStore.EMPTY_VERSION) {
            throw new IllegalArgumentException("State version " + version + " is negative");
        }
        HashMap<StateKey, byte[]> map = new HashMap<>();
        long bytes = 0;
        if (version != StateStore.EMPTY_VERSION) {
            if (!deltas.contains(version) && !snapshots.contains(version)) {
                throw new IllegalStateException("No state of version " + version + " for operator '" + operatorId
                        + "' in " + directory + " (versions on file: " + describeVersions() + ")");
            }
            Long snapshot = snapshots.floor(version);
            long applied = StateStore.EMPTY_VERSION;
            if (snapshot != null) {
                readInto(map, snapshot, StateFile.SNAPSHOT, StateStore.EMPTY_VERSION);
                applied = snapshot;
            }
            for (long delta : deltas.subSet(applied, false, version, true)) {
                readInto(map, delta, StateFile.DELTA, applied);
                applied = delta;
            }
            for (Map.Entry<StateKey, byte[]> e : map.entrySet()) {
                bytes += entryBytes(e.getKey().bytes(), e.getValue());
            }
        }
        loaded = map;
        loadedVersion = version;
        loadedBytes = bytes;
        LOG.debug("Loaded state of operator {} at version {}: {} keys", operatorId, version, map.size());
    }

    private void readInto(Map<StateKey, byte[]> map, long version, String kind, long expectedPrevious) {
        Path file = new Path(directory, StateFile.name(version, kind));
        StateFile.Header header = StateFile.read(fs, file, (key, value) -> {
            if (!keyGroups.isAll() && !keyGroups.contains(key)) {
                return;  // another process's key
            }
            if (value == null) {
                map.remove(new StateKey(key));
            } else {
                map.put(new StateKey(key), value);
            }
        });
        if (!header.fingerprint().equals(schema.fingerprint()) || header.version() != version
                || !header.kind().equals(kind)) {
            throw new IllegalStateException("State file " + file + " does not belong here: it holds " + header.kind()
                    + " version " + header.version() + " of schema fingerprint " + header.fingerprint()
                    + ", expected " + kind + " version " + version + " of " + schema.fingerprint());
        }
        if (kind.equals(StateFile.DELTA) && header.previousVersion() != expectedPrevious) {
            throw new IllegalStateException("State of operator '" + operatorId + "' is inconsistent: delta " + file
                    + " applies to version " + header.previousVersion() + ", but the state before it is version "
                    + expectedPrevious);
        }
    }

    /**
     * The entries in key-group order (then by key), so that a snapshot holds each group's keys together: a
     * process holding a range of groups reads one contiguous part of it.
     */
    private static List<Map.Entry<StateKey, byte[]>> byKeyGroup(Map<StateKey, byte[]> entries) {
        List<Map.Entry<StateKey, byte[]>> sorted = new ArrayList<>(entries.entrySet());
        Map<StateKey, Integer> group = new HashMap<>(entries.size() * 2);
        for (StateKey k : entries.keySet()) {
            group.put(k, KeyGroups.of(k.bytes()));
        }
        sorted.sort((a, b) -> {
            int c = Integer.compare(group.get(a.getKey()), group.get(b.getKey()));
            return c != 0 ? c : java.util.Arrays.compareUnsigned(a.getKey().bytes(), b.getKey().bytes());
        });
        return sorted;
    }

    /** A key of another process's key groups, which this provider must not hold. */
    void checkKeyGroup(byte[] key) {
        if (!keyGroups.isAll() && !keyGroups.contains(key)) {
            throw new IllegalArgumentException("State of operator '" + operatorId + "' here holds " + keyGroups
                    + ", not a key of group " + KeyGroups.of(key));
        }
    }

    /** Called by the open store: writes version {@code newVersion} and makes it the loaded version. */
    void commit(StateStore store, long newVersion, List<Map.Entry<StateKey, byte[]>> changes, long bytes) {
        checkOpen(store);
        openStore = null;
        long base = store.version();
        try {
            deleteVersionsAbove(base);
            Path deltaFile = new Path(directory, StateFile.name(newVersion, StateFile.DELTA));
            StateFile.write(fs, deltaFile, new StateFile.Header(operatorId, StateFile.DELTA, newVersion, base,
                    schema.fingerprint(), changes.size()), changes);
            deltas.add(newVersion);
            Long lastSnapshot = snapshots.floor(newVersion);
            int deltasSinceSnapshot = deltas.subSet(lastSnapshot == null ? Long.MIN_VALUE : lastSnapshot, false,
                    newVersion, true).size();
            if (deltasSinceSnapshot >= options.snapshotInterval()) {
                Path snapshotFile = new Path(directory, StateFile.name(newVersion, StateFile.SNAPSHOT));
                StateFile.write(fs, snapshotFile, new StateFile.Header(operatorId, StateFile.SNAPSHOT, newVersion,
                        StateStore.EMPTY_VERSION, schema.fingerprint(), loaded.size()), byKeyGroup(loaded));
                snapshots.add(newVersion);
            }
            loadedVersion = newVersion;
            loadedBytes = bytes;
            deleteObsoleteVersions(newVersion);
        } catch (RuntimeException | Error e) {
            // The map holds the new state but the files may not: forget it, the next getStore reads the files.
            loaded = null;
            throw e;
        }
    }

    /** Called by the open store when it is aborted after restoring the map. */
    void abort(StateStore store) {
        checkOpen(store);
        openStore = null;
    }

    long loadedBytes() {
        return loadedBytes;
    }

    static long entryBytes(byte[] key, byte[] value) {
        return key.length + value.length + ENTRY_OVERHEAD_BYTES;
    }

    private void checkOpen(StateStore store) {
        if (openStore != store) {
            throw new IllegalStateException("State store of operator '" + operatorId + "' at version "
                    + store.version() + " was already committed or aborted");
        }
    }

    private void deleteVersionsAbove(long version) {
        List<Path> stale = new ArrayList<>();
        for (long v : deltas.tailSet(version, false)) {
            stale.add(new Path(directory, StateFile.name(v, StateFile.DELTA)));
        }
        for (long v : snapshots.tailSet(version, false)) {
            stale.add(new Path(directory, StateFile.name(v, StateFile.SNAPSHOT)));
        }
        if (!stale.isEmpty()) {
            LOG.info("Operator {}: deleting state files of uncommitted versions above {}: {}", operatorId, version, stale);
            delete(stale);
            deltas.tailSet(version, false).clear();
            snapshots.tailSet(version, false).clear();
        }
    }

    /**
     * Deletes the files no retained version needs: versions {@code newest - versionsToRetain + 1 .. newest}
     * stay restorable, each from the newest snapshot at or below it.
     */
    private void deleteObsoleteVersions(long newest) {
        long oldestRetained = newest - options.versionsToRetain() + 1;
        Long base = snapshots.floor(oldestRetained);
        if (base == null) {
            return;
        }
        List<Path> obsolete = new ArrayList<>();
        NavigableSet<Long> oldDeltas = deltas.headSet(base, false);
        NavigableSet<Long> oldSnapshots = snapshots.headSet(base, false);
        oldDeltas.forEach(v -> obsolete.add(new Path(directory, StateFile.name(v, StateFile.DELTA))));
        oldSnapshots.forEach(v -> obsolete.add(new Path(directory, StateFile.name(v, StateFile.SNAPSHOT))));
        if (!obsolete.isEmpty()) {
            LOG.debug("Operator {}: deleting {} state files older than version {}", operatorId, obsolete.size(), base);
            delete(obsolete);
            oldDeltas.clear();
            oldSnapshots.clear();
        }
    }

    private void delete(List<Path> files) {
        try {
            for (Path file : files) {
                fs.delete(file, false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Can't delete state files in " + directory + ": " + e.getMessage(), e);
        }
    }

    private void listFiles() {
        try {
            for (FileStatus status : fs.listStatus(directory)) {
                Matcher m = STATE_FILE.matcher(status.getPath().getName());
                if (m.matches()) {
                    (m.group(2).equals(StateFile.DELTA) ? deltas : snapshots).add(Long.parseLong(m.group(1)));
                }
            }
        } catch (FileNotFoundException e) {
            // no files yet
        } catch (IOException e) {
            throw new UncheckedIOException("Can't list state directory " + directory + ": " + e.getMessage(), e);
        }
    }

    private String describeVersions() {
        if (deltas.isEmpty() && snapshots.isEmpty()) {
            return "none";
        }
        return "deltas " + (deltas.isEmpty() ? "none" : deltas.first() + ".." + deltas.last())
                + ", snapshots " + (snapshots.isEmpty() ? "none" : snapshots);
    }

    @Override
    public String toString() {
        return "StateStoreProvider(" + operatorId + " at " + directory + ")";
    }
}
