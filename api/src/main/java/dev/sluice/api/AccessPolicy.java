package dev.sluice.api;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.error.EngineException;
import dev.sluice.execution.error.ErrorType;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What a session may reach on the server's side: which directories its tables and checkpoints may name
 * (local paths or Hadoop FileSystem URIs), and which Kafka brokers its tables may connect to. A remote
 * session of a {@code sluice server} is restricted so that a JDBC client can't read or write the server's
 * files; the local shell and the embedded driver are {@linkplain #unrestricted() unrestricted}.
 *
 * <p>An option is a path when its key is {@code path}, or ends with {@code .path}, {@code .location},
 * {@code .dir}, {@code .file} or {@code .keytab} (as Kafka's {@code ssl.truststore.location}), or is
 * {@code checkpointLocation}, or when its value is a {@code file:} URI. A local path is checked after
 * {@code ..} and symbolic links are resolved. A path is allowed when it is inside an allowed directory and
 * does not hold one of the server's own files (its catalog, users file, keystore): a table may be a
 * sub-directory of the Sluice home, not the home itself. Immutable.
 */
public final class AccessPolicy {
    private static final Pattern PATH_KEY = Pattern.compile(
            "(.*\\.)?path|.*\\.(location|dir|file|keytab)|" + Pattern.quote(DataStreamWriter.CHECKPOINT_LOCATION),
            Pattern.CASE_INSENSITIVE);
    private static final Pattern URI_SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]+:.*");
    private static final String BOOTSTRAP_SERVERS = Sluice.BOOTSTRAP_SERVERS;

    private static final AccessPolicy UNRESTRICTED = new AccessPolicy(true, List.of(), List.of(), Optional.empty());

    private final boolean unrestricted;
    private final List<Location> allowed;
    private final List<Location> protectedFiles;
    private final Optional<Set<String>> allowedBrokers;

    private AccessPolicy(boolean unrestricted, List<Location> allowed, List<Location> protectedFiles,
                         Optional<Set<String>> allowedBrokers) {
        this.unrestricted = unrestricted;
        this.allowed = List.copyOf(allowed);
        this.protectedFiles = List.copyOf(protectedFiles);
        this.allowedBrokers = allowedBrokers.map(Set::copyOf);
    }

    /** Full access: the local shell, the embedded driver. */
    public static AccessPolicy unrestricted() {
        return UNRESTRICTED;
    }

    /**
     * A restricted policy.
     *
     * @param allowedPaths the directories (local paths or FileSystem URIs) tables and checkpoints may be in
     * @param protectedPaths the server's own files (catalog, users file, keystore), never reachable, nor
     *     any directory holding them
     * @param allowedBrokers the {@code host:port} of the Kafka brokers tables may name; empty: any
     * @throws IllegalArgumentException naming an allowed path that is not a valid path
     */
    public static AccessPolicy restricted(Collection<String> allowedPaths, Collection<Path> protectedPaths,
                                          Optional<? extends Collection<String>> allowedBrokers) {
        requireNonNull(allowedPaths, "allowedPaths is null");
        requireNonNull(protectedPaths, "protectedPaths is null");
        requireNonNull(allowedBrokers, "allowedBrokers is null");
        List<Location> allowed = new ArrayList<>();
        for (String p : allowedPaths) {
            allowed.add(Location.parse(p).orElseThrow(() -> new EngineException(ErrorType.USER_ERROR, "Invalid allowed path '"
                    + p + "': not a local path or a FileSystem URI")));
        }
        List<Location> protectedFiles = protectedPaths.stream().map(p -> Location.local(p.toAbsolutePath())).toList();
        return new AccessPolicy(false, allowed, protectedFiles, allowedBrokers.map(AccessPolicy::brokers));
    }

    public boolean isUnrestricted() {
        return unrestricted;
    }

    /**
     * Checks that a table's paths are allowed and that its Kafka brokers (the table's {@code bootstrap.servers},
     * else the session's) are allowed.
     *
     * @throws SecurityException naming the table, the option and the path or broker at fault
     */
    public void checkTable(TableDescriptor table, Map<String, String> sessionOptions) {
        if (unrestricted) {
            return;
        }
        table.options().forEach((key, value) -> checkOption("Table '" + table.name() + "'", key, value));
        if ("kafka".equalsIgnoreCase(table.options().get("connector")) && table.option(BOOTSTRAP_SERVERS).isEmpty()) {
            String servers = sessionOptions.get(BOOTSTRAP_SERVERS);
            if (servers != null) {
                checkBrokers("Table '" + table.name() + "' (through the session's '" + BOOTSTRAP_SERVERS + "')", servers);
            }
        }
    }

    /**
     * Checks a session option (as {@code SET key = value} sets it): a path option names an allowed path, and
     * {@code bootstrap.servers} allowed brokers.
     *
     * @throws SecurityException naming the option and the path or broker at fault
     */
    public void checkSessionOption(String key, String value) {
        if (!unrestricted) {
            checkOption("Session", key, value);
        }
    }

    /**
     * Checks the checkpoint location of a continuous query.
     *
     * @throws SecurityException naming the query and the location if it is not allowed
     */
    public void checkCheckpoint(String queryName, String location) {
        if (!unrestricted) {
            checkPath("The checkpoint of query '" + queryName + "'", location);
        }
    }

    private void checkOption(String owner, String key, String value) {
        if (value == null) {
            return;
        }
        if (key.equalsIgnoreCase(BOOTSTRAP_SERVERS)) {
            checkBrokers(owner + " option '" + key + "'", value);
        } else if (key.equals(Sluice.CHECKPOINT_ROOT) || PATH_KEY.matcher(key).matches()
                || value.trim().regionMatches(true, 0, "file:", 0, 5)) {
            checkPath(owner + " option '" + key + "'", value);
        }
    }

    private void checkBrokers(String what, String servers) {
        if (allowedBrokers.isEmpty()) {
            return;
        }
        Set<String> named = brokers(List.of(servers.split(",")));
        named.removeAll(allowedBrokers.get());
        if (!named.isEmpty()) {
            throw new SecurityException(what + " names Kafka broker(s) " + named + " that this server does not allow "
                    + "(allowed: " + new TreeSet<>(allowedBrokers.get()) + "; see the server's --allowed-brokers)");
        }
    }

    private void checkPath(String what, String value) {
        Location location = Location.parse(value.trim()).orElseThrow(() -> new SecurityException(what + ": '" + value
                + "' is not a path this server can check (a local path or a FileSystem URI such as hdfs://host/dir)"));
        boolean inside = allowed.stream().anyMatch(root -> root.contains(location));
        if (!inside) {
            throw new SecurityException(what + ": path '" + value + "' (" + location + ") is outside the directories "
                    + "this server allows remote sessions to use " + allowed + " (see the server's --allowed-paths)");
        }
        for (Location own : protectedFiles) {
            if (location.contains(own)) {
                throw new SecurityException(what + ": path '" + value + "' holds the server's own file " + own
                        + "; use a sub-directory that does not");
            }
        }
    }

    private static Set<String> brokers(Collection<String> list) {
        Set<String> set = new TreeSet<>();
        for (String s : list) {
            for (String one : s.split(",")) {
                String b = one.trim().toLowerCase(Locale.ROOT).replaceFirst("^[a-z_]+://", "");
                if (!b.isEmpty()) {
                    set.add(b);
                }
            }
        }
        return set;
    }

    @Override
    public String toString() {
        return unrestricted ? "unrestricted" : "paths " + allowed + ", brokers " + allowedBrokers.map(Object::toString)
                .orElse("any");
    }

    /**
     * A place: a local path (absolute, {@code ..} resolved, symbolic links of its existing part resolved) or a
     * non-local FileSystem URI (normalised).
     */
    private record Location(Path local, URI remote) {
        static Location local(Path path) {
            return new Location(real(path.toAbsolutePath().normalize()), null);
        }

        static Optional<Location> parse(String value) {
            if (value.isEmpty()) {
                return Optional.empty();
            }
            try {
                if (URI_SCHEME.matcher(value).matches() && !value.matches("^[a-zA-Z]:[\\\\/].*")) {
                    URI uri = new URI(value).normalize();
                    if (uri.getScheme().equalsIgnoreCase("file")) {
                        if (uri.getAuthority() != null && !uri.getAuthority().isEmpty()) {
                            return Optional.empty();  // file://host/...: not this machine's
                        }
                        return uri.getPath() == null || !uri.getPath().startsWith("/") ? Optional.empty()
                                : Optional.of(local(Path.of(uri.getPath())));
                    }
                    if (uri.isOpaque() || uri.getPath() == null) {
                        return Optional.empty();
                    }
                    String path = uri.getPath().isEmpty() ? "/" : uri.getPath();
                    if (path.contains("/../") || path.endsWith("/..") || path.startsWith("..")) {
                        return Optional.empty();  // still above the root after normalising
                    }
                    return Optional.of(new Location(null, new URI(uri.getScheme().toLowerCase(Locale.ROOT),
                            uri.getAuthority() == null ? null : uri.getAuthority().toLowerCase(Locale.ROOT), path,
                            null, null)));
                }
                return Optional.of(local(Path.of(value)));
            } catch (URISyntaxException | InvalidPathException e) {
                return Optional.empty();
            }
        }

        /** The path with the symbolic links of its longest existing ancestor resolved. */
        private static Path real(Path path) {
            Path existing = path;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing == null) {
                return path;
            }
            try {
                return existing.toRealPath().resolve(existing.relativize(path)).normalize();
            } catch (IOException e) {
                return path;
            }
        }

        /** Whether {@code other} is this place or inside it. */
        boolean contains(Location other) {
            if (local != null) {
                return other.local != null && other.local.startsWith(local);
            }
            if (other.remote == null || !remote.getScheme().equals(other.remote.getScheme())
                    || !java.util.Objects.equals(remote.getAuthority(), other.remote.getAuthority())) {
                return false;
            }
            String root = remote.getPath().endsWith("/") ? remote.getPath() : remote.getPath() + "/";
            String path = other.remote.getPath().endsWith("/") ? other.remote.getPath() : other.remote.getPath() + "/";
            return path.startsWith(root);
        }

        @Override
        public String toString() {
            return local != null ? local.toString() : remote.toString();
        }
    }
}
