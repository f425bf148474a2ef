package dev.sluice.execution.fs;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A directory on a Hadoop {@link FileSystem}, from a location as users write it: a URI
 * ({@code file:///tmp/x}, {@code hdfs://nn:8020/x}) or a plain local path.
 *
 * <p>Local paths use the raw local file system: no {@code .crc} side files, which add nothing to files
 * that are written once and renamed into place.
 */
public record FileSystemLocation(FileSystem fs, Path path) {
    public FileSystemLocation {
        requireNonNull(fs, "fs is null");
        requireNonNull(path, "path is null");
    }

    public static FileSystemLocation of(String location) {
        URI uri = location.contains("://") || location.startsWith("file:") ? URI.create(location)
                : new File(location).getAbsoluteFile().toURI();
        try {
            FileSystem fs = FileSystem.get(uri, new Configuration());
            if (fs instanceof LocalFileSystem local) {
                fs = local.getRawFileSystem();
            }
            return new FileSystemLocation(fs, fs.makeQualified(new Path(uri)));
        } catch (IOException e) {
            throw new UncheckedIOException("Can't open file system for " + location + ": " + e.getMessage(), e);
        }
    }

    public Path child(String name) {
        return new Path(path, name);
    }

    /** Creates the directory (and parents) if missing. */
    public FileSystemLocation mkdirs() {
        try {
            fs.mkdirs(path);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("Can't create directory " + path + ": " + e.getMessage(), e);
        }
    }
}
