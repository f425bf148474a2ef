package dev.sluice.api;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.checkpoint.Checkpoint;
import dev.sluice.execution.checkpoint.CheckpointMetadata;
import dev.sluice.execution.connector.Connector;
import dev.sluice.execution.connector.ConnectorContext;
import dev.sluice.execution.connector.ConnectorRegistry;
import dev.sluice.execution.aggregate.OutputMode;
import dev.sluice.execution.config.OptionTable;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.error.EngineException;
import dev.sluice.execution.error.ErrorType;
import dev.sluice.execution.flow.FlowControlOptions;
import dev.sluice.execution.plan.ScanNode;
import dev.sluice.execution.sink.StreamSink;
import dev.sluice.execution.source.ComputedColumnsSource;
import dev.sluice.execution.source.StreamSource;
import dev.sluice.execution.stream.BoundedQueryExecution;
import dev.sluice.execution.stream.BoundedResult;
import dev.sluice.execution.stream.MicroBatchExecution;
import dev.sluice.execution.stream.Trigger;
import dev.sluice.planner.PlanningException;
import dev.sluice.planner.catalog.Catalog;
import dev.sluice.planner.ddl.SluiceStatement;
import dev.sluice.planner.ddl.StatementParser;
import dev.sluice.planner.sql.PlannedQuery;
import dev.sluice.planner.sql.QueryPlanner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.tools.RelBuilder;
import org.apache.hadoop.fs.FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plans and launches the queries of one session, for SQL statements and the DataFrame API alike: bounded
 * queries to a result, continuous queries on their own threads (named, with their checkpoint, trigger, output
 * mode and flow control), each checked against the session's {@link AccessPolicy}; and EXPLAIN's text of how
 * they would run. The one place a query starts.
 *
 * <p>What is the session's own: its options (held by {@link Sluice}), its {@link Identity}, and its
 * {@code SELECT STREAM}s into the client (stopped when it closes). What is the {@link Engine}'s, shared by
 * every session of the home: the catalog, the task pool and allocator, and the queries that write into a
 * table, which keep running when the session that started them closes.
 */
final class QueryLauncher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueryLauncher.class);

    private final Sluice session;
    private final Engine engine;
    private final boolean ownsEngine;
    private final Identity identity;
    private final AccessPolicy access;
    private final Path home;
    private final Catalog catalog;
    private final ConnectorRegistry connectors;
    private final QueryPlanner planner;
    private final BufferAllocator allocator;
    private final ExecutorService taskPool;
    /** The engine's queries that write into a table (or a named checkpoint), by name. */
    private final Map<String, RunningQuery> running;
    /** This session's own queries into the client (SELECT STREAM), by name. */
    private final Map<String, RunningQuery> streams = new ConcurrentHashMap<>();
    private final List<StreamingQueryListener> listeners;

    /**
     * @param ownsEngine whether closing this session closes the engine (the session that created it), and
     *     whether it sees every session's queries
     */
    QueryLauncher(Sluice session, Engine engine, boolean ownsEngine, Identity identity, AccessPolicy access) {
        this.session = requireNonNull(session, "session is null");
        this.engine = requireNonNull(engine, "engine is null");
        this.ownsEngine = ownsEngine;
        this.identity = requireNonNull(identity, "identity is null");
        this.access = requireNonNull(access, "access is null");
        this.home = engine.home;
        this.catalog = engine.catalog;
        this.connectors = engine.connectors;
        this.planner = engine.planner;
        this.allocator = engine.allocator;
        this.taskPool = engine.taskPool;
        this.running = engine.running;
        this.listeners = engine.listeners;
    }

    Engine engine() {
        return engine;
    }

    Identity identity() {
        return identity;
    }

    /**
     * The queries this session sees: the engine's queries into tables and its own SELECT STREAMs; the session
     * that owns the engine (the local shell, the server's) sees every session's.
     */
    List<RunningQuery> visibleQueries() {
        if (ownsEngine) {
            return new ArrayList<>(engine.all);
        }
        List<RunningQuery> queries = new ArrayList<>(running.values());
        queries.addAll(streams.values());
        return queries;
    }

    /** The query to stop: this session's own first; another user's only for an admin. */
    RunningQuery findQuery(String nameOrId) {
        List<RunningQuery> candidates = new ArrayList<>(streams.values());
        candidates.addAll(visibleQueries());
        for (RunningQuery q : candidates) {
            if (q.name().equals(nameOrId) || q.id().equals(nameOrId)) {
                if (!q.owner().equals(identity.user()) && !identity.admin()) {
                    throw new SecurityException("Query '" + q.name() + "' belongs to user '" + q.owner() + "': user '"
                            + identity.user() + "' may stop only their own queries (an admin may stop any)");
                }
                return q;
            }
        }
        throw new EngineException(ErrorType.USER_ERROR, "No running query named '" + nameOrId + "' (see SHOW QUERIES)");
    }

    void addListener(StreamingQueryListener listener) {
        listeners.add(requireNonNull(listener, "listener is null"));
    }

    void removeListener(StreamingQueryListener listener) {
        listeners.remove(listener);
    }

    List<StreamingQuery> activeQueries() {
        return List.copyOf(visibleQueries());
    }

    /**
     * Runs a query statement: a bounded one to its rows; a continuous one started, into its target table (in
     * the background) or into {@code consumer}.
     */
    StatementResult run(String sql, BatchConsumer consumer) {
        engine.planning();
        PlannedQuery plan = planner.plan(sql, session.options());
        if (!plan.streaming()) {
            return runBounded(plan);
        }
        if (plan.target().isEmpty() && consumer == null) {
            throw new PlanningException("SELECT STREAM needs somewhere to send its rows: run it in the shell, or "
                    + "write INSERT INTO <table> SELECT STREAM ...");
        }
        Map<String, String> options = session.options();
        session.resetOption(Sluice.QUERY_NAME);  // a name is for one query
        session.resetOption(Sluice.KAFKA_GROUP_ID);  // and so is a consumer group
        RunningQuery query = start(sql, plan, consumer, options);
        if (plan.target().isPresent()) {
            return new StatementResult.Query(query, List.of(), List.of(), true);
        }
        List<String> names = new ArrayList<>(plan.outputSchema().names());
        List<String> types = new ArrayList<>(plan.outputSchema().columns().stream().map(c -> c.type().sqlName()).toList());
        if (plan.updatesRows(outputMode(plan, options))) {
            names.add(0, CallbackSink.CHANGE_COLUMN);  // each row says whether it is inserted or deleted
            types.add(0, "VARCHAR");
        }
        return new StatementResult.Query(query, names, types, false);
    }

    /** Runs a bounded query to its result. */
    StatementResult.Rows runBounded(PlannedQuery plan) {
        checkAccess(plan, session.options());
        ConnectorContext context = new ConnectorContext(session.options(), UUID.randomUUID().toString());
        Map<String, StreamSource> sources = openSources(plan, context);
        try {
            BoundedResult result = BoundedQueryExecution.run(plan.root(), sources, taskPool, allocator);
            return new StatementResult.Rows(result.schema().names(),
                    result.schema().columns().stream().map(c -> c.type().sqlName()).toList(), result.rows());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw Errors.toSluiceException(e);
        } finally {
            sources.values().forEach(StreamSource::close);
        }
    }

    /**
     * Starts a continuous query: into its target table, or (without one) into {@code consumer}.
     *
     * @param description the statement (or DataFrame plan) shown by SHOW QUERIES and kept in the checkpoint
     * @param options the session options, overridden by the query's own (name, trigger, output mode,
     *     {@link DataStreamWriter#CHECKPOINT_LOCATION}, flow control)
     */
    RunningQuery start(String description, PlannedQuery plan, BatchConsumer consumer, Map<String, String> options) {
        String name = queryName(description, plan, options);
        Trigger trigger = trigger(options);
        FlowControlOptions flow = FlowControlOptions.parse(options);
        boolean console = plan.target().isEmpty();
        boolean temporaryCheckpoint = hasTemporaryCheckpoint(plan, options);
        String newId = UUID.randomUUID().toString();
        checkAccess(plan, options);
        if (!access.isUnrestricted() && !temporaryCheckpoint
                && (!name.matches("[^/\\\\:]+") || name.equals("..") || name.equals("."))) {
            throw new SecurityException("Invalid query name '" + name + "': a name can't hold '/', '\\' or ':', "
                    + "nor be '.' or '..' (it names the query's checkpoint directory)");
        }
        String checkpointUri = temporaryCheckpoint ? tempCheckpoint(newId) : checkpointLocation(name, options);
        boolean defaultCheckpoint = !options.containsKey(DataStreamWriter.CHECKPOINT_LOCATION)
                && !options.containsKey(Sluice.CHECKPOINT_ROOT);
        if (!temporaryCheckpoint && !defaultCheckpoint) {  // the default, <home>/checkpoints/<name>, is the server's
            access.checkCheckpoint(name, checkpointUri);
        }
        Checkpoint checkpoint = Checkpoint.open(checkpointUri);
        // A restarted query must have the stateful operators its state was written by.
        String fingerprint = plan.statefulFingerprint();
        CheckpointMetadata metadata = checkpoint.metadata(new CheckpointMetadata(newId, name, description,
                fingerprint, System.currentTimeMillis()));
        if (!metadata.planFingerprint().equals(fingerprint)) {
            throw new PlanningException("Query '" + name + "' can't restart from its checkpoint " + checkpointUri
                    + ": its stateful part changed (was: " + metadata.planFingerprint() + "; now: " + fingerprint
                    + "). Give the new query another name (SET query.name = ...) or remove the checkpoint.");
        }
        // The id lives in the checkpoint: the same query after a restart, another one with a new checkpoint.
        String queryId = metadata.queryId();
        ConnectorContext context = new ConnectorContext(options, queryId, name);
        OutputMode mode = outputMode(plan, options);
        // A query into the client is the session's (stopped with it); one with a checkpoint of its own is the engine's.
        Map<String, RunningQuery> registry = temporaryCheckpoint ? streams : running;
        RunningQuery query = new RunningQuery(queryId, name, description, identity.user(), trigger.toString(),
                mode.name().toLowerCase(java.util.Locale.ROOT), () -> explainQuietly(plan, description, options),
                () -> listeners, q -> {
            registry.remove(q.name(), q);
            engine.all.remove(q);
            if (temporaryCheckpoint) {
                deleteQuietly(Path.of(java.net.URI.create(checkpointUri)));
            }
        });
        if (registry.putIfAbsent(name, query) != null) {
            throw new EngineException(ErrorType.USER_ERROR, "A query named '" + name + "' is already running (STOP QUERY " + name
                    + " first, or SET query.name = '...' to run another copy)");
        }
        engine.all.add(query);
        Map<String, StreamSource> sources = Map.of();
        StreamSink sink = null;
        CompletableFuture<StreamSink> sinkOpening = null;
        try {
            // The sink opens on a thread of its own while the sources open here: each may take round trips to Kafka
            // (a Kafka sink checks its topic), and neither needs the other.
            sinkOpening = console ? CompletableFuture.completedFuture(new CallbackSink(consumer))
                    : openSinkInBackground(plan.target().get(), context, name);
            sources = openSources(plan, context);
            sink = opened(sinkOpening);
            // MicroBatchExecution refuses a sink that takes inserts only under a result that updates rows.
            MicroBatchExecution execution = new MicroBatchExecution(name, plan.incrementalPlan(mode),
                    sources, sink, checkpoint, trigger, flow, taskPool, allocator, query);
            query.start(execution);
            LOG.info("Started query {} ({}), checkpoint {}, trigger {}", name, queryId, checkpointUri, trigger);
            return query;
        } catch (RuntimeException e) {
            registry.remove(name, query);
            engine.all.remove(query);
            if (sink != null) {
                sink.close();
            } else if (sinkOpening != null) {
                sinkOpening.thenAccept(StreamSink::close);  // once it is open, if it opens
            }
            sources.values().forEach(StreamSource::close);
            throw e;
        }
    }

    /** Opens the sink of {@code target} on a daemon thread of its own. */
    private CompletableFuture<StreamSink> openSinkInBackground(TableDescriptor target, ConnectorContext context,
                                                               String queryName) {
        return CompletableFuture.supplyAsync(() -> connectors.forTable(target).createSink(target, context), task -> {
            Thread thread = new Thread(task, "sluice-open-sink-" + queryName);
            thread.setDaemon(true);
            thread.start();
        });
    }

    /** The sink once it is open; its opening's failure as it was thrown. */
    private static StreamSink opened(CompletableFuture<StreamSink> opening) {
        try {
            return opening.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error cause) {
                throw cause;
            }
            throw e;
        }
    }

    // ---- What the DataFrame API plans and runs with

    /** A relational plan builder over the catalog and {@code temporaryTables}. */
    RelBuilder relBuilder(Collection<TableDescriptor> temporaryTables) {
        return planner.relBuilder(temporaryTables);
    }

    QueryPlanner.SqlRel sqlToRel(String sql, RelBuilder builder, Collection<TableDescriptor> temporaryTables) {
        return planner.sqlToRel(sql, builder, temporaryTables);
    }

    PlannedQuery plan(RelNode rel, boolean streaming, Optional<TableDescriptor> target) {
        engine.planning();
        return planner.plan(rel, streaming, target, session.options());
    }

    Map<String, String> sessionOptions() {
        return session.options();
    }

    TableDescriptor catalogTable(String name) {
        return catalog.require(name);
    }

    /**
     * A table that exists only for the DataFrames built on it, from a CREATE TABLE statement, checked by its
     * connector as CREATE TABLE would be.
     */
    TableDescriptor temporaryTable(String createTable) {
        SluiceStatement statement = StatementParser.parse(createTable);
        TableDescriptor table = ((SluiceStatement.CreateTable) statement).table();
        connectors.forTable(table).validate(table);
        planner.check(table);
        return table;
    }

    /** Checks and prepares (e.g. creates the topic of) a sink table that is not in the catalog. */
    void prepareTemporarySink(TableDescriptor table) {
        Connector connector = connectors.forTable(table);
        connector.validate(table);
        connector.create(table);
    }

    /** Where the checkpoint of the query {@code name} lives, unless it is a temporary one. */
    private String checkpointLocation(String name, Map<String, String> options) {
        return Optional.ofNullable(options.get(DataStreamWriter.CHECKPOINT_LOCATION)).orElseGet(() ->
                Optional.ofNullable(options.get(Sluice.CHECKPOINT_ROOT))
                        .map(root -> root.endsWith("/") ? root + name : root + "/" + name)
                        .orElseGet(() -> home.resolve("checkpoints").resolve(name).toUri().toString()));
    }

    /**
     * EXPLAIN's text: the logical and physical plans and, for a continuous query, how it runs incrementally
     * with {@code options}: trigger, output mode, what runs per partition and per batch, where state lives.
     */
    String explain(PlannedQuery plan, String description, Map<String, String> options) {
        if (!plan.streaming()) {
            return plan.explain();
        }
        String checkpoint = hasTemporaryCheckpoint(plan, options)
                ? "temporary (SELECT STREAM without a target; deleted when the query ends)"
                : checkpointLocation(queryName(description, plan, options), options);
        return plan.explain() + IncrementalPlanText.of(plan, trigger(options), outputMode(plan, options),
                checkpoint, plan.target().map(TableDescriptor::name));
    }

    /** {@link #explain}, for a query's status page: a failure to describe the plan must not stop the query. */
    private String explainQuietly(PlannedQuery plan, String description, Map<String, String> options) {
        try {
            return explain(plan, description, options);
        } catch (RuntimeException e) {
            LOG.warn("Can't describe the plan of {}", description, e);
            return "(the plan can't be shown: " + e.getMessage() + ")";
        }
    }

    /** The query's name: the {@code query.name} option, or one derived from its text. */
    private static String queryName(String description, PlannedQuery plan, Map<String, String> options) {
        return Optional.ofNullable(options.get(Sluice.QUERY_NAME)).orElseGet(() -> defaultName(description, plan));
    }

    private static Trigger trigger(Map<String, String> options) {
        return Trigger.parse(OptionTable.get(options, SessionOptions.TRIGGER).orElseThrow());
    }

    /** A SELECT STREAM into the client, without a checkpoint location given, checkpoints to a temporary place. */
    private static boolean hasTemporaryCheckpoint(PlannedQuery plan, Map<String, String> options) {
        return plan.target().isEmpty() && !options.containsKey(DataStreamWriter.CHECKPOINT_LOCATION);
    }

    /**
     * The session's {@code outputMode} for this plan, checked as Spark does: a GROUP BY emits changed groups
     * (update, the default) or all groups (complete); a query without one only appends.
     */
    private static OutputMode outputMode(PlannedQuery plan, Map<String, String> options) {
        String mode = OptionTable.get(options, SessionOptions.OUTPUT_MODE).orElseThrow();
        boolean aggregates = plan.hasAggregation();
        switch (mode) {
            case "update":
                return OutputMode.UPDATE;
            case "complete":
                if (!aggregates) {
                    throw new PlanningException("Output mode 'complete' needs a GROUP BY; this query only appends rows");
                }
                return OutputMode.COMPLETE;
            case "append":
                if (aggregates && !plan.hasWatermarkedWindow()) {
                    throw new PlanningException("Output mode 'append' needs a GROUP BY over a TUMBLE window of a table "
                            + "with a WATERMARK (a group's row is final only when its window closes): use 'update' or "
                            + "'complete'");
                }
                return aggregates ? OutputMode.APPEND : OutputMode.UPDATE;
            default:
                throw new PlanningException("Invalid outputMode '" + mode + "' (append, update or complete)");
        }
    }

    private Map<String, StreamSource> openSources(PlannedQuery plan, ConnectorContext context) {
        Map<String, StreamSource> sources = new LinkedHashMap<>();
        try {
            for (ScanNode scan : plan.scans()) {
                TableDescriptor t = scan.table();
                if (!sources.containsKey(t.name())) {
                    // Computed columns are computed as the table is read, so that every task sees them as columns.
                    List<ComputedColumnsSource.Definition> computed = planner.computedColumns(t);
                    sources.put(t.name(), ComputedColumnsSource.wrap(connectors.forTable(t).createSource(t, context),
                            computed));
                }
            }
            return sources;
        } catch (RuntimeException e) {
            sources.values().forEach(StreamSource::close);
            throw e;
        }
    }

    /** A name stable for the same statement text, so re-running it resumes from its checkpoint. */
    private static String defaultName(String sql, PlannedQuery plan) {
        String prefix = plan.target().map(t -> "insert_" + t.name().toLowerCase(java.util.Locale.ROOT))
                .orElse("select");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(sql.strip().replaceAll("\\s+", " ").getBytes(StandardCharsets.UTF_8));
            return prefix + "_" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String tempCheckpoint(String queryId) {
        return home.resolve("tmp").resolve("checkpoint-" + queryId).toUri().toString();
    }

    /** Hadoop's recursive delete, the project's one. */
    private static void deleteQuietly(Path dir) {
        if (Files.exists(dir) && !FileUtil.fullyDelete(dir.toFile())) {
            LOG.warn("Could not delete {}", dir);
        }
    }

    /** Checks the tables a plan reads and writes against the session's access policy. */
    private void checkAccess(PlannedQuery plan, Map<String, String> options) {
        if (access.isUnrestricted()) {
            return;
        }
        for (ScanNode scan : plan.scans()) {
            access.checkTable(scan.table(), options);
        }
        plan.target().ifPresent(t -> access.checkTable(t, options));
    }

    /**
     * Stops this session's SELECT STREAMs; the session that owns the engine closes it, stopping every query.
     */
    @Override
    public void close() {
        for (RunningQuery q : List.copyOf(streams.values())) {
            q.stop();
        }
        if (ownsEngine) {
            engine.close();
        }
    }
}
