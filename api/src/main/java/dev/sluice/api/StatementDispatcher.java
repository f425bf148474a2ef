package dev.sluice.api;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.connector.Connector;
import dev.sluice.execution.connector.ConnectorRegistry;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.config.OptionDef;
import dev.sluice.execution.error.EngineException;
import dev.sluice.execution.error.ErrorType;
import dev.sluice.planner.catalog.Catalog;
import dev.sluice.planner.catalog.ViewDefinition;
import dev.sluice.planner.ddl.CreateTableText;
import dev.sluice.planner.ddl.SluiceStatement;
import dev.sluice.planner.ddl.StatementParser;
import dev.sluice.planner.sql.PlannedQuery;
import dev.sluice.planner.sql.QueryPlanner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Runs one session's statements: parses a statement and hands it to the handler of its kind, the one place a
 * statement is added ({@link #register}). DDL goes to the shared catalog, SHOW and DESCRIBE read it through
 * {@link SessionCatalog}, SET and RESET change the session's options, and queries (and STOP QUERY, SHOW
 * QUERIES, EXPLAIN) go to the {@link QueryLauncher}.
 */
final class StatementDispatcher {
    /** What runs one kind of statement; {@code consumer} is where a {@code SELECT STREAM} sends its rows (or null). */
    @FunctionalInterface
    private interface Handler<T extends SluiceStatement> {
        StatementResult run(T statement, BatchConsumer consumer);
    }

    private static final List<String> DESCRIBE_COLUMNS = List.of("name", "type", "nullable", "kind", "key", "extras");
    private static final List<String> DESCRIBE_TYPES = List.of("VARCHAR", "VARCHAR", "BOOLEAN", "VARCHAR", "VARCHAR",
            "VARCHAR");

    private final Sluice session;
    private final AccessPolicy access;
    private final Catalog catalog;
    private final ConnectorRegistry connectors;
    private final QueryPlanner planner;
    private final SessionCatalog sessionCatalog;
    private final QueryLauncher launcher;
    private final Map<Class<?>, Handler<SluiceStatement>> handlers = new HashMap<>();

    StatementDispatcher(Sluice session, Engine engine, AccessPolicy access, SessionCatalog sessionCatalog,
                        QueryLauncher launcher) {
        this.session = requireNonNull(session, "session is null");
        this.access = requireNonNull(access, "access is null");
        this.catalog = engine.catalog;
        this.connectors = engine.connectors;
        this.planner = engine.planner;
        this.sessionCatalog = requireNonNull(sessionCatalog, "sessionCatalog is null");
        this.launcher = requireNonNull(launcher, "launcher is null");
        register(SluiceStatement.CreateTable.class, (s, c) -> createTable(s));
        register(SluiceStatement.DropTable.class, (s, c) -> dropTable(s));
        register(SluiceStatement.ShowTables.class, (s, c) -> showTables());
        register(SluiceStatement.ShowCreateTable.class,
                (s, c) -> new StatementResult.Message(CreateTableText.of(catalog.require(s.name()))));
        register(SluiceStatement.DescribeTable.class, (s, c) -> describe(s.name()));
        register(SluiceStatement.CreateView.class, (s, c) -> createView(s));
        register(SluiceStatement.DropView.class, (s, c) -> dropView(s));
        register(SluiceStatement.ShowViews.class, (s, c) -> showViews());
        register(SluiceStatement.ShowCreateView.class,
                (s, c) -> new StatementResult.Message(catalog.requireView(s.name()).createStatement()));
        register(SluiceStatement.SetOption.class, (s, c) -> set(s));
        register(SluiceStatement.ResetOption.class, (s, c) -> {
            session.resetOption(s.key());
            return new StatementResult.Message("Reset '" + s.key() + "'.");
        });
        register(SluiceStatement.ShowQueries.class, (s, c) -> showQueries());
        register(SluiceStatement.StopQuery.class, (s, c) -> {
            RunningQuery q = launcher.findQuery(s.nameOrId());
            q.stop();
            return new StatementResult.Message("Query '" + q.name() + "' stopped.");
        });
        register(SluiceStatement.Explain.class, (s, c) -> {
            PlannedQuery plan = planner.plan(s.querySql(), session.options());
            return new StatementResult.Message(launcher.explain(plan, s.querySql(), session.options()));
        });
        register(SluiceStatement.Query.class, (s, consumer) -> launcher.run(s.sql(), consumer));
        // A statement the parser knows must have a handler: fail at the first session, not at the first use.
        for (Class<?> kind : SluiceStatement.class.getPermittedSubclasses()) {
            if (!handlers.containsKey(kind)) {
                throw new IllegalStateException("No handler for the statement " + kind.getSimpleName());
            }
        }
    }

    private <T extends SluiceStatement> void register(Class<T> kind, Handler<T> handler) {
        handlers.put(kind, (statement, consumer) -> handler.run(kind.cast(statement), consumer));
    }

    /** Parses and runs one statement; a {@code SELECT STREAM}'s rows go to {@code consumer} (null: refused). */
    StatementResult execute(String sql, BatchConsumer consumer) {
        SluiceStatement statement = StatementParser.parse(sql);
        return handlers.get(statement.getClass()).run(statement, consumer);
    }

    private StatementResult createTable(SluiceStatement.CreateTable create) {
        TableDescriptor table = create.table();
        Connector connector = connectors.forTable(table);
        connector.validate(table);
        access.checkTable(table, session.options());
        planner.check(table);
        boolean created = catalog.create(table, create.ifNotExists());
        if (created) {
            connector.create(table);
        }
        return new StatementResult.Message(created ? "Table '" + table.name() + "' created."
                : "Table '" + table.name() + "' already exists; nothing created.");
    }

    private StatementResult dropTable(SluiceStatement.DropTable drop) {
        Optional<TableDescriptor> table = catalog.get(drop.name());
        boolean dropped = catalog.drop(drop.name(), drop.ifExists());
        table.ifPresent(t -> connectors.forTable(t).drop(t));
        return new StatementResult.Message(dropped ? "Table '" + drop.name() + "' dropped."
                : "Table '" + drop.name() + "' does not exist; nothing dropped.");
    }

    /** Checks the view's query against the catalog (it must plan to columns Sluice runs) before keeping it. */
    private StatementResult createView(SluiceStatement.CreateView create) {
        ViewDefinition view = new ViewDefinition(create.name(), create.querySql());
        if (catalog.view(view.name()).isPresent() && create.ifNotExists()) {
            return new StatementResult.Message("View '" + view.name() + "' already exists; nothing created.");
        }
        if (catalog.get(view.name()).isPresent()) {
            throw new EngineException(ErrorType.USER_ERROR, "A table named '" + view.name() + "' exists; a view can't have its name");
        }
        planner.viewSchema(view);
        boolean created = catalog.createView(view, create.ifNotExists());
        return new StatementResult.Message(created ? "View '" + view.name() + "' created."
                : "View '" + view.name() + "' already exists; nothing created.");
    }

    private StatementResult dropView(SluiceStatement.DropView drop) {
        boolean dropped = catalog.dropView(drop.name(), drop.ifExists());
        return new StatementResult.Message(dropped ? "View '" + drop.name() + "' dropped."
                : "View '" + drop.name() + "' does not exist; nothing dropped.");
    }

    private StatementResult showTables() {
        List<List<Object>> rows = new ArrayList<>();
        for (TableInfo t : sessionCatalog.tables()) {
            rows.add(Arrays.asList(t.name(), t.connector(), t.topic().orElse(null)));
        }
        return new StatementResult.Rows(List.of("name", "connector", "topic"),
                List.of("VARCHAR", "VARCHAR", "VARCHAR"), rows);
    }

    private StatementResult showViews() {
        List<List<Object>> rows = new ArrayList<>();
        catalog.views().forEach(v -> rows.add(List.of(v.name(), v.query())));
        return new StatementResult.Rows(List.of("name", "query"), List.of("VARCHAR", "VARCHAR"), rows);
    }

    /**
     * A row per column, as Flink's DESCRIBE: name, type, nullable, kind ({@code column}, {@code computed},
     * {@code metadata} or {@code view}), key ({@code PRI} for a primary key column) and extras.
     */
    private StatementResult describe(String name) {
        List<List<Object>> rows = new ArrayList<>();
        for (ColumnInfo c : sessionCatalog.describe(name)) {
            rows.add(Arrays.asList(c.name(), c.type(), c.nullable(), c.kind().name().toLowerCase(java.util.Locale.ROOT),
                    c.primaryKey() ? "PRI" : null, c.extras().orElse(null)));
        }
        return new StatementResult.Rows(DESCRIBE_COLUMNS, DESCRIBE_TYPES, rows);
    }

    private StatementResult set(SluiceStatement.SetOption set) {
        if (set.key() == null) {
            // The options set, with what SessionOptions says of each (nothing for a key it does not define).
            List<List<Object>> rows = new ArrayList<>();
            new TreeMap<>(session.options()).forEach((k, v) -> {
                Optional<OptionDef<?>> d = SessionOptions.ALL.definition(k);
                rows.add(Arrays.asList(k, v, d.map(OptionDef::defaultText).orElse(null),
                        d.map(OptionDef::doc).orElse(null)));
            });
            return new StatementResult.Rows(List.of("key", "value", "default", "meaning"),
                    List.of("VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR"), rows);
        }
        SessionOptions.ALL.validate(Map.of(set.key(), set.value()));
        access.checkSessionOption(set.key(), set.value());
        session.setOption(set.key(), set.value());
        return new StatementResult.Message("Set '" + set.key() + "' = '" + set.value() + "'.");
    }

    private StatementResult showQueries() {
        List<List<Object>> rows = new ArrayList<>();
        List<RunningQuery> queries = launcher.visibleQueries();
        queries.sort(Comparator.comparing(RunningQuery::name).thenComparing(RunningQuery::id));
        for (RunningQuery q : queries) {
            Object lastBatch = q.lastProgress().map(p -> (Object) p.batchId()).orElse(null);
            rows.add(Arrays.asList(q.name(), q.id(), q.isActive() ? "RUNNING" : "ENDING", lastBatch, q.sql(),
                    q.owner()));
        }
        return new StatementResult.Rows(List.of("name", "id", "status", "last_batch", "sql", "owner"),
                List.of("VARCHAR", "VARCHAR", "VARCHAR", "BIGINT", "VARCHAR", "VARCHAR"), rows);
    }
}
