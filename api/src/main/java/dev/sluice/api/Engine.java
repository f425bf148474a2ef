package dev.sluice.api;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.connector.ConnectorRegistry;
import dev.sluice.planner.catalog.Catalog;
import dev.sluice.planner.sql.QueryPlanner;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every session of one Sluice home shares: the persistent catalog of tables, the connectors and the
 * planner over them, the task pool and Arrow allocator, and the continuous queries that write into tables
 * (they belong to the engine, not to the session that started them: they keep running when it closes).
 * Thread-safe. Closed by the session that created it (the one {@link Sluice.Builder#build()} returns),
 * which stops every query.
 */
final class Engine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    final Path home;
    final Catalog catalog;
    final ConnectorRegistry connectors;
    final QueryPlanner planner;
    final BufferAllocator allocator = new RootAllocator();
    final ExecutorService taskPool;
    /** The queries that write into a table (or to a named checkpoint), by name: one per checkpoint. */
    final Map<String, RunningQuery> running = new ConcurrentHashMap<>();
    /** Every running query of every session, for the engine's owner (SHOW QUERIES of the local shell, a status page). */
    final Set<RunningQuery> all = ConcurrentHashMap.newKeySet();
    final List<StreamingQueryListener> listeners = new CopyOnWriteArrayList<>();
    /** Loads and prepares in the background what a first query needs (see {@link EngineWarmUp}). */
    private final java.util.Optional<EngineWarmUp> warmUp;

    Engine(Path home) {
        this.home = requireNonNull(home, "home is null");
        this.catalog = Catalog.open(home.resolve("catalog.json"));
        this.connectors = ConnectorRegistry.loadFromClassPath();
        this.planner = new QueryPlanner(catalog, connectors);
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        this.taskPool = Executors.newFixedThreadPool(threads, daemonThreads("sluice-task-"));
        this.warmUp = EngineWarmUp.start(home, connectors, planner);
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** A statement is being planned: see {@link EngineWarmUp#plannerInUse()}. */
    void planning() {
        warmUp.ifPresent(EngineWarmUp::plannerInUse);
    }

    @Override
    public void close() {
        warmUp.ifPresent(EngineWarmUp::cancel);
        for (RunningQuery q : List.copyOf(all)) {
            q.stop();
        }
        taskPool.shutdownNow();
        try {
            allocator.close();
        } catch (IllegalStateException e) {
            // Memory still held by a query that did not stop in time; logged, not fatal at shutdown.
            LOG.warn("Arrow memory still allocated at close: {}", e.getMessage());
        }
    }
}
