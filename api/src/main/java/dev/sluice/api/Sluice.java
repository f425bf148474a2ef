package dev.sluice.api;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.error.ErrorType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Sluice session: a catalog of tables (persisted under the Sluice home directory), session options,
 * and the continuous queries started from it. Thread-safe. Closing it stops its queries.
 *
 * <p>{@link #builder()} builds a session that owns its engine (catalog, task pool, the queries that write
 * into tables): closing it stops every query. {@link #newSession} opens more sessions on the same engine, as
 * the server does for each JDBC connection: each has its own options, {@link Identity} and
 * {@code SELECT STREAM}s, and shares the catalog and the queries into tables (which outlive it).
 *
 * <pre>{@code
 * try (Sluice sluice = Sluice.builder().bootstrapServers("localhost:9092").build()) {
 *     sluice.execute("CREATE TABLE clicks (user_id BIGINT, page VARCHAR) WITH ('connector'='kafka', "
 *             + "'topic'='clicks', 'format'='json')");
 *     StatementResult.Rows rows = (StatementResult.Rows) sluice.execute("SELECT page FROM clicks LIMIT 10");
 * }
 * }</pre>
 */
public final class Sluice implements AutoCloseable {
    /** Session option: default Kafka bootstrap servers for tables that don't set their own. */
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    /** Session option: trigger of new continuous queries: {@code 1 s}, {@code 500 ms}, {@code once}, {@code available-now}. */
    public static final String TRIGGER = "trigger";
    /** Session option: how a continuous GROUP BY emits results: {@code update} (changed groups, default) or {@code complete}. */
    public static final String OUTPUT_MODE = "outputMode";
    /** Session option: name of the next continuous query (and of its checkpoint directory). */
    public static final String QUERY_NAME = "query.name";
    /**
     * Session option: the Kafka consumer group the next continuous query commits its offsets to (over the
     * tables' {@code properties.group.id}; default {@code sluice-<query name>}). Like {@link #QUERY_NAME}, it
     * is for one query.
     */
    public static final String KAFKA_GROUP_ID = "kafka.group.id";  // read by the Kafka connector (KafkaTableOptions)
    /** Session option: checkpoint root directory (a Hadoop FileSystem URI); default {@code <home>/checkpoints}. */
    public static final String CHECKPOINT_ROOT = "checkpoint.root";

    private final Path home;
    private final Map<String, String> options;
    private final QueryLauncher launcher;
    private final SessionCatalog catalog;
    private final StatementDispatcher statements;

    private Sluice(Engine engine, boolean ownsEngine, Map<String, String> options, Identity identity,
                   AccessPolicy access) {
        this.home = engine.home;
        this.options = new ConcurrentHashMap<>(options);
        this.launcher = new QueryLauncher(this, engine, ownsEngine, identity, access);
        this.catalog = new SessionCatalog(engine.catalog, engine.planner);
        this.statements = new StatementDispatcher(this, engine, access, catalog, launcher);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs one SQL statement (a trailing semicolon is allowed). {@code SELECT STREAM} is refused here: it
     * needs a consumer for its rows, see {@link #execute(String, BatchConsumer)}.
     *
     * @throws SluiceException if the statement is invalid or fails, with a message naming the cause
     */
    public StatementResult execute(String sql) {
        return execute(sql, null);
    }

    /**
     * Runs one SQL statement; the rows of each micro-batch of a {@code SELECT STREAM} go to {@code consumer}.
     *
     * @throws SluiceException if the statement is invalid or fails, with a message naming the cause
     */
    public StatementResult execute(String sql, BatchConsumer consumer) {
        try {
            return statements.execute(sql, consumer);
        } catch (RuntimeException e) {
            throw Errors.toSluiceException(e);
        }
    }

    /**
     * A query as a {@link DataFrame}: a {@code SELECT} gives a bounded one, a {@code SELECT STREAM} a streaming
     * one. Either can be refined with the DataFrame API.
     *
     * @throws SluiceException if the query is invalid, with the line and column at fault
     */
    public DataFrame sql(String query) {
        try {
            // Converted once to learn whether it is streaming (and to fail early), then in each plan's builder.
            boolean streaming = launcher.sqlToRel(query, launcher.relBuilder(List.of()), List.of()).streaming();
            return new DataFrame(launcher, b -> b.push(launcher.sqlToRel(query, b, List.of()).rel()), List.of(),
                    streaming, Optional.empty());
        } catch (RuntimeException e) {
            throw Errors.toSluiceException(e);
        }
    }

    /** The catalog's tables and their columns, typed (what {@code SHOW TABLES} and {@code DESCRIBE} print). */
    public SessionCatalog catalog() {
        return catalog;
    }

    /** The catalog table {@code name} as a bounded {@link DataFrame} (what it holds now). */
    public DataFrame table(String name) {
        return read().table(name);
    }

    /** Reads tables or topics into bounded DataFrames. */
    public DataFrameReader read() {
        return new DataFrameReader(launcher, false);
    }

    /** Reads tables or topics into streaming DataFrames, run with {@link DataFrame#writeStream()}. */
    public DataFrameReader readStream() {
        return new DataFrameReader(launcher, true);
    }

    /**
     * Opens another session on this one's engine: same home and catalog, its own options (starting as a copy
     * of this session's), identity and access. Closing it stops its {@code SELECT STREAM}s only; closing this
     * session closes the engine.
     *
     * @throws SluiceException if an option is not allowed by {@code access}
     */
    public Sluice newSession(Identity identity, AccessPolicy access, Map<String, String> sessionOptions) {
        requireNonNull(identity, "identity is null");
        requireNonNull(access, "access is null");
        Map<String, String> merged = new LinkedHashMap<>(options);
        merged.putAll(sessionOptions);
        try {
            merged.forEach(access::checkSessionOption);
        } catch (RuntimeException e) {
            throw Errors.toSluiceException(e);
        }
        return new Sluice(launcher.engine(), false, merged, identity, access);
    }

    /** Tells {@code listener} about every continuous query of this session's engine (all its sessions), from now on. */
    public void addListener(StreamingQueryListener listener) {
        launcher.addListener(listener);
    }

    public void removeListener(StreamingQueryListener listener) {
        launcher.removeListener(listener);
    }

    /**
     * The continuous queries this session sees that are still running: the engine's queries into tables and
     * this session's own {@code SELECT STREAM}s; for the session that owns the engine, every session's.
     */
    public List<StreamingQuery> activeQueries() {
        return launcher.activeQueries();
    }

    /** Sets a session option (as {@code SET key = value} does). */
    public void setOption(String key, String value) {
        options.put(key, value);
    }

    /** Removes a session option (as {@code RESET key} does). */
    public void resetOption(String key) {
        options.remove(key);
    }

    /** The session options. */
    public Map<String, String> options() {
        return Map.copyOf(options);
    }

    /** The home directory: catalog, history, default checkpoints. */
    public Path home() {
        return home;
    }

    /** Who runs this session's statements. */
    public Identity identity() {
        return launcher.identity();
    }

    /**
     * Stops this session's {@code SELECT STREAM}s (gracefully); if it owns the engine, stops every query and
     * releases the engine's resources.
     */
    @Override
    public void close() {
        launcher.close();
    }

    /** Builds a {@link Sluice} session. */
    public static final class Builder {
        private Path home;
        private final Map<String, String> options = new LinkedHashMap<>();

        private Builder() {
        }

        /** The Sluice home directory (default {@code ~/.sluice}, or {@code $SLUICE_HOME}). */
        public Builder home(Path home) {
            this.home = home;
            return this;
        }

        /** Default {@code bootstrap.servers} for Kafka tables. */
        public Builder bootstrapServers(String servers) {
            return option(BOOTSTRAP_SERVERS, servers);
        }

        public Builder option(String key, String value) {
            options.put(key, value);
            return this;
        }

        public Sluice build() {
            Path dir = home != null ? home : defaultHome();
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new SluiceException(ErrorType.EXTERNAL, "Can't create the Sluice home directory " + dir + ": "
                        + e.getMessage(), e);
            }
            return new Sluice(new Engine(dir.toAbsolutePath()), true, options, Identity.local(),
                    AccessPolicy.unrestricted());
        }

        /** The home a builder without {@link #home} uses: {@code $SLUICE_HOME}, else {@code ~/.sluice}. */
        public static Path defaultHome() {
            String env = System.getenv("SLUICE_HOME");
            return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".sluice");
        }
    }
}
