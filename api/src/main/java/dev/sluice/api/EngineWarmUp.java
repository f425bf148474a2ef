package dev.sluice.api;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.checkpoint.Checkpoint;
import dev.sluice.execution.connector.Connector;
import dev.sluice.execution.connector.ConnectorRegistry;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.fs.FileSystemLocation;
import dev.sluice.planner.ddl.SluiceStatement;
import dev.sluice.planner.ddl.StatementParser;
import dev.sluice.planner.sql.QueryPlanner;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.hadoop.fs.statistics.IOStatisticsContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares the JVM for an engine's first query, once, on a daemon thread started with the engine, so that a
 * user's first {@code INSERT INTO ... SELECT STREAM} does not pay for it. In a fresh JVM the first query
 * start spends seconds before any of its own work: loading and initialising Hadoop's {@code FileSystem} for
 * the checkpoint (its configuration, the login user), the Kafka clients' classes, and Calcite's planner
 * (parser, validator, rules, metadata handlers, Janino's signed jar), and Arrow (its schema class makes a Jackson
 * mapper). This does that work ahead: it sets up a planning session ({@link QueryPlanner#prepare()}), makes Arrow
 * vectors, opens the file system of the engine's home and readies the checkpoint records' JSON serializers
 * ({@link Checkpoint#prepareRecords()}), makes the platform MBean server, has each connector load what opening a
 * source or sink needs ({@link Connector#warmUp()}), and plans a continuous query over a table that exists only here.
 *
 * <p>It has no effect a user can see other than the CPU it takes: nothing is created in the catalog, no
 * topic or file is written, nothing connects anywhere. A failure is logged and ignored. A query started
 * while it runs does not wait for it; once a statement is being planned, no query is planned beside it (that
 * would only take CPU from it), while the planning session's set-up, Arrow, the file system and the clients'
 * classes, which the statement needs later than its parsing, go on loading meanwhile on the other core.
 */
final class EngineWarmUp implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(EngineWarmUp.class);
    /** The system property that turns it off ({@code -Dsluice.warm-up=false}). */
    static final String ENABLED_PROPERTY = "sluice.warm-up";

    private final Path home;
    private final ConnectorRegistry connectors;
    private final QueryPlanner planner;
    private volatile boolean cancelled;
    /** Set once a user's statement is being planned: the planner then warms up with it, not beside it. */
    private volatile boolean plannerInUse;
    /** The steps done and those that failed, for tests. */
    private final List<String> doneSteps = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<String> failedSteps = new java.util.concurrent.CopyOnWriteArrayList<>();

    EngineWarmUp(Path home, ConnectorRegistry connectors, QueryPlanner planner) {
        this.home = requireNonNull(home, "home is null");
        this.connectors = requireNonNull(connectors, "connectors is null");
        this.planner = requireNonNull(planner, "planner is null");
    }

    /** Starts warming up on a daemon thread, unless turned off; returns at once. */
    static Optional<EngineWarmUp> start(Path home, ConnectorRegistry connectors, QueryPlanner planner) {
        if (!Boolean.parseBoolean(System.getProperty(ENABLED_PROPERTY, "true"))) {
            return Optional.empty();
        }
        EngineWarmUp warmUp = new EngineWarmUp(home, connectors, planner);
        Thread thread = new Thread(warmUp, "sluice-warm-up");
        thread.setDaemon(true);
        thread.start();
        return Optional.of(warmUp);
    }

    /** Stops after the step running now (the engine is closing). */
    void cancel() {
        cancelled = true;
    }

    /**
     * A user's statement is being planned: planning beside it would only take CPU from it (both load the same
     * classes), so the planner's warm-up is skipped, or stops after the query it is planning.
     */
    void plannerInUse() {
        plannerInUse = true;
    }

    @Override
    public void run() {
        long started = System.nanoTime();
        // In the order a query start needs them. First what every planning sets up before it converts a statement
        // (a statement submitted at once is being parsed meanwhile); then Arrow, which an aggregate's planning and
        // every first batch use; then, for after the planning, the checkpoint's file system and the connectors.
        step("planner session", planner::prepare);
        step("Arrow", EngineWarmUp::loadArrow);
        step("file system", () -> {
            FileSystemLocation.of(home.toUri().toString()).fs().exists(new org.apache.hadoop.fs.Path(home.toUri()));
            // Initialised by a checkpoint's first file write, with a Hadoop configuration of its own to parse.
            IOStatisticsContext.enabled();
            Checkpoint.prepareRecords();
        });
        // The platform MBean server: a Kafka client registers its metrics there as it is made, and a query its own
        // MXBean as it starts; making it takes a fresh JVM 0.05-0.1 s (every platform MXBean is registered).
        step("JMX", ManagementFactory::getPlatformMBeanServer);
        for (Connector connector : connectors.all()) {
            step("connector " + connector.identifier(), connector::warmUp);
        }
        if (!plannerInUse) {
            step("planner", this::planOnce);
        }
        LOG.debug("Warmed up in {} ms", (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * Loads Arrow's schema (its class initialiser makes a Jackson mapper: about 270 classes), allocator and
     * vectors, which a query's first batch, and an aggregate's planning, would otherwise load.
     */
    private static void loadArrow() {
        Schema schema = new Schema(List.of(Field.nullable("n", new ArrowType.Int(64, true)),
                Field.nullable("s", ArrowType.Utf8.INSTANCE)));
        try (BufferAllocator allocator = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
            BigIntVector numbers = (BigIntVector) root.getVector(0);
            VarCharVector strings = (VarCharVector) root.getVector(1);
            numbers.allocateNew(1);
            strings.allocateNew(1);
            numbers.setSafe(0, 1L);
            strings.setSafe(0, "a".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            root.setRowCount(1);
        }
    }

    /** Plans an {@code INSERT INTO ... SELECT STREAM} (a filter, a projection, a windowed aggregate) as a user's would be. */
    private void planOnce() {
        TableDescriptor in = table("CREATE TABLE sluice_warm_up_in (ts TIMESTAMP(3), user_id INT, page VARCHAR, "
                + "amount DOUBLE, WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) WITH ('connector' = 'kafka', "
                + "'topic' = 'sluice-warm-up', 'format' = 'json')");
        TableDescriptor out = table("CREATE TABLE sluice_warm_up_out (ts TIMESTAMP(3), user_id INT, amount DOUBLE) "
                + "WITH ('connector' = 'kafka', 'topic' = 'sluice-warm-up', 'format' = 'json')");
        List<TableDescriptor> tables = List.of(in, out);
        QueryPlanner.SqlRel filter = planner.sqlToRel("SELECT STREAM ts, user_id, amount FROM sluice_warm_up_in "
                + "WHERE amount > 50", planner.relBuilder(tables), tables);
        planner.plan(filter.rel(), true, Optional.of(out)).explain();
        if (cancelled || plannerInUse) {
            return;
        }
        QueryPlanner.SqlRel window = planner.sqlToRel("SELECT STREAM TUMBLE_START(ts, INTERVAL '10' SECOND) AS w, page, "
                + "COUNT(*) AS n, SUM(amount) AS total FROM sluice_warm_up_in GROUP BY TUMBLE(ts, INTERVAL '10' SECOND), "
                + "page", planner.relBuilder(tables), tables);
        planner.plan(window.rel(), true, Optional.empty()).explain();
    }

    private TableDescriptor table(String createTable) {
        TableDescriptor table = ((SluiceStatement.CreateTable) StatementParser.parse(createTable)).table();
        connectors.forTable(table).validate(table);
        planner.check(table);
        return table;
    }

    private void step(String what, ThrowingRunnable step) {
        if (cancelled) {
            return;
        }
        long started = System.nanoTime();
        try {
            step.run();
            doneSteps.add(what);
            LOG.debug("Warm-up of the {}: {} ms", what, (System.nanoTime() - started) / 1_000_000);
        } catch (Exception | LinkageError e) {
            failedSteps.add(what + ": " + e);
            LOG.debug("Warm-up of the {} failed (no harm: the first query pays for it instead)", what, e);
        }
    }

    List<String> doneSteps() {
        return List.copyOf(doneSteps);
    }

    List<String> failedSteps() {
        return List.copyOf(failedSteps);
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
