package dev.sluice.execution.checkpoint;

import com.fasterxml.jackson.databind.JavaType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A log with one file per batch id (like Spark's HDFSMetadataLog): {@code <dir>/<batchId>}, each a
 * {@link VersionedJsonFile}. An entry, once written, is not overwritten (except through a subclass's
 * documented {@link #overwrite}). Used by one query at a time.
 */
public class MetadataLog<T> {
    private final FileSystem fs;
    private final Path dir;
    private final JavaType type;

    MetadataLog(FileSystem fs, Path dir, Class<T> type) {
        this.fs = fs;
        this.dir = dir;
        this.type = VersionedJsonFile.JSON.getTypeFactory().constructType(type);
        try {
            fs.mkdirs(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Can't create checkpoint directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Writes the entry of {@code batchId}; returns false if one exists already (nothing is written). */
    public boolean add(long batchId, T value) {
        return VersionedJsonFile.writeIfAbsent(fs, file(batchId), value);
    }

    /**
     * Replaces the entry of {@code batchId} in one atomic rename (never a moment without an entry); for
     * subclasses that document when.
     */
    protected void overwrite(long batchId, T value) {
        VersionedJsonFile.replace(fs, file(batchId), value);
    }

    public Optional<T> get(long batchId) {
        return VersionedJsonFile.read(fs, file(batchId), type);
    }

    /** Batch ids with an entry, ascending. Temp files left by a crash are ignored. */
    public List<Long> batchIds() {
        List<Long> ids = new ArrayList<>();
        try {
            for (FileStatus s : fs.listStatus(dir)) {
                String name = s.getPath().getName();
                if (name.chars().allMatch(Character::isDigit) && !name.isEmpty()) {
                    ids.add(Long.parseLong(name));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Can't list checkpoint directory " + dir + ": " + e.getMessage(), e);
        }
        Collections.sort(ids);
        return ids;
    }

    public OptionalLong latestBatchId() {
        List<Long> ids = batchIds();
        return ids.isEmpty() ? OptionalLong.empty() : OptionalLong.of(ids.get(ids.size() - 1));
    }

    /** Deletes the entries of batches before {@code batchId}. */
    public void purgeBefore(long batchId) {
        for (long id : batchIds()) {
            if (id < batchId) {
                try {
                    fs.delete(file(id), false);
                } catch (IOException e) {
                    throw new UncheckedIOException("Can't delete " + file(id) + ": " + e.getMessage(), e);
                }
            }
        }
    }

    private Path file(long batchId) {
        return new Path(dir, Long.toString(batchId));
    }
}
