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
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * A directory on a Hadoop {@link FileSystem}, from a location as users write it: a URI
 * ({@code file:///tmp/x}, {@code hdfs://nn:8020/x}) or a plain local path.
 *
 * <p>Local paths use Hadoop's raw local file system: no {@code .crc} side files, which add nothing to files
 * that are written once and renamed into place. It is made directly, one per process, rather than through
 * {@link FileSystem#get}: that one logs the user in ({@code UserGroupInformation}), loads every file system
 * implementation on the class path (HDFS's adds its default resources, so every configuration is parsed again)
 * and parses Hadoop's configuration files several times over, which in a fresh JVM cost a query's start (its
 * checkpoint) 0.3-0.5 s of CPU that a local directory does not need. Other schemes ({@code hdfs://},
 * {@code s3a://}) go through {@link FileSystem#get} and its cache.
 *
 * <p>Hadoop's configuration ({@code core-default.xml}, {@code core-site.xml} on the class path) is parsed once per
 * process and each file system gets a copy of it: a {@code new Configuration()} parses those files again on its
 * first read.
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
            FileSystem fs = isLocal(uri) ? LocalFiles.INSTANCE
                    : FileSystem.get(uri, new Configuration(ParsedConfiguration.INSTANCE));
            if (fs instanceof LocalFileSystem local) {
                fs = local.getRawFileSystem();
            }
            return new FileSystemLocation(fs, fs.makeQualified(new Path(uri)));
        } catch (IOException e) {
            throw new UncheckedIOException("Can't open file system for " + location + ": " + e.getMessage(), e);
        }
    }

    /** A {@code file:} URI of this machine's file system. */
    private static boolean isLocal(URI uri) {
        return "file".equalsIgnoreCase(uri.getScheme()) && (uri.getAuthority() == null || uri.getAuthority().isEmpty());
    }

    public Path child(String name) {
        return new Path(path, name);
    }

    /** Hadoop's configuration as parsed once, on first use; only ever copied. */
    private static final class ParsedConfiguration {
        static final Configuration INSTANCE = parsed();

        private static Configuration parsed() {
            Configuration conf = new Configuration();
            conf.size();  // parses the resources now, so that copies take the properties rather than parse again
            return conf;
        }
    }

    /** The raw local file system, made once, on first use, with the parsed configuration. */
    private static final class LocalFiles {
        static final FileSystem INSTANCE = created();

        private static FileSystem created() {
            RawLocalFileSystem fs = new RawLocalFileSystem();
            try {
                fs.initialize(URI.create("file:///"), new Configuration(ParsedConfiguration.INSTANCE));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return fs;
        }
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
