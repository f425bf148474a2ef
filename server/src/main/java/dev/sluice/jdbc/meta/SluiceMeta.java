package dev.sluice.jdbc.meta;

import static java.util.Objects.requireNonNull;

import dev.sluice.api.ColumnInfo;
import dev.sluice.api.Sluice;
import dev.sluice.api.SluiceException;
import dev.sluice.api.StatementResult;
import dev.sluice.api.TableInfo;
import dev.sluice.jdbc.FrameIterable;
import java.sql.DatabaseMetaData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.MetaImpl;
import org.apache.calcite.avatica.MissingResultsException;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.QueryState;
import org.apache.calcite.avatica.remote.TypedValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Avatica's {@link org.apache.calcite.avatica.Meta} over Sluice sessions: what every JDBC call ends up in,
 * in-process (one per connection, over its session) or in the {@code sluice server} (one for all connections,
 * each of which gets its own session from {@link ConnectionSessions}).
 *
 * <p>A bounded query returns all its rows in the first frame. A {@code SELECT STREAM} returns an open result:
 * each {@link #fetch} waits (up to a second, so a client can notice a cancel) for the rows of the next
 * micro-batches. An {@code INSERT INTO ... SELECT STREAM} returns one row: the query's id and name.
 */
public final class SluiceMeta extends MetaImpl {
    private static final Logger LOG = LoggerFactory.getLogger(SluiceMeta.class);
    private static final Duration FETCH_WAIT = Duration.ofSeconds(1);

    /** The in-process connection's session; null in the server. */
    private final Sluice session;
    private final Runnable afterClose;
    /** The server's connections' sessions; null in-process. */
    private final ConnectionSessions connectionSessions;
    private final Map<String, Sluice> sessions = new ConcurrentHashMap<>();
    /** When each server connection last made a request (System.nanoTime()). */
    private final Map<String, Long> lastUsed = new ConcurrentHashMap<>();
    private final Map<String, StreamingRows> streams = new ConcurrentHashMap<>();
    private final AtomicInteger statementIds = new AtomicInteger();

    /**
     * The Meta of an in-process connection over its session, which closing the connection closes (and then
     * runs {@code afterClose}).
     */
    public SluiceMeta(AvaticaConnection connection, Sluice session, Runnable afterClose) {
        super(requireNonNull(connection, "connection is null"));
        this.session = requireNonNull(session, "session is null");
        this.afterClose = requireNonNull(afterClose, "afterClose is null");
        this.connectionSessions = null;
    }

    /** The server's Meta: each connection gets its own session from {@code sessions}. */
    public SluiceMeta(ConnectionSessions sessions) {
        super(null);
        this.session = null;
        this.afterClose = () -> { };
        this.connectionSessions = requireNonNull(sessions, "sessions is null");
    }

    @Override
    public void openConnection(ConnectionHandle ch, Map<String, String> info) {
        if (connectionSessions != null) {
            Sluice opened = connectionSessions.open(info == null ? Map.of() : info);
            lastUsed.put(ch.id, System.nanoTime());
            Sluice previous = sessions.put(ch.id, opened);
            if (previous != null) {
                previous.close();
            }
        }
    }

    /** The session of a connection, checked to belong to the user of the request being served. */
    private Sluice session(String connectionId) {
        if (session != null) {
            return session;
        }
        Sluice s = sessions.get(connectionId);
        if (s == null) {
            throw new IllegalStateException("Connection " + connectionId + " is not open on this server (it was "
                    + "closed, or the server restarted): reconnect");
        }
        connectionSessions.checkRequest(s);
        lastUsed.put(connectionId, System.nanoTime());
        return s;
    }

    /**
     * Closes the sessions of the server's connections that made no request for {@code idle}: a client that went
     * away without closing its connection (its SELECT STREAMs stop). The client's next request on such a
     * connection is told to reconnect.
     *
     * @return the number of sessions closed
     */
    public int closeIdle(Duration idle) {
        long now = System.nanoTime();
        int closed = 0;
        for (Map.Entry<String, Long> e : List.copyOf(lastUsed.entrySet())) {
            String id = e.getKey();
            if (now - e.getValue() > idle.toNanos() && lastUsed.remove(id, e.getValue())) {
                closeStreams(id);
                Sluice s = sessions.remove(id);
                if (s != null) {
                    LOG.info("Closing the session of connection {} (user '{}'): no request for {}", id,
                            s.identity().user(), idle);
                    s.close();
                    closed++;
                }
            }
        }
        return closed;
    }

    /** Closes every connection's session (the server's, as it stops): their SELECT STREAMs stop. */
    public void closeAll() {
        streams.values().forEach(StreamingRows::close);
        streams.clear();
        for (String id : List.copyOf(sessions.keySet())) {
            Sluice s = sessions.remove(id);
            if (s != null) {
                s.close();
            }
        }
    }

    /** The number of open connections (server) or 1 (in-process). */
    public int openSessions() {
        return session != null ? 1 : sessions.size();
    }

    @Override
    public StatementHandle createStatement(ConnectionHandle ch) {
        return new StatementHandle(ch.id, statementIds.incrementAndGet(), null);
    }

    @Override
    public ExecuteResult prepareAndExecute(StatementHandle h, String sql, long maxRowCount, int maxRowsInFirstFrame,
                                           PrepareCallback callback) {
        Sluice session = session(h.connectionId);
        closeStream(h);  // a statement re-executed forgets its previous result
        StreamingRows stream = new StreamingRows();
        StatementResult result;
        try {
            result = session.execute(sql, stream::accept);
        } catch (SluiceException e) {
            throw SqlStates.toAvatica(e);
        }
        MetaResultSet resultSet;
        if (result instanceof StatementResult.Rows rows) {
            List<Object> values = new ArrayList<>();
            long limit = maxRowCount > 0 ? maxRowCount : Long.MAX_VALUE;
            rows.rows().stream().limit(limit).forEach(r -> values.add(JdbcValues.toJdbc(r)));
            resultSet = MetaResultSet.create(h.connectionId, h.id, false, signature(sql, rows.columns(), rows.types()),
                    Frame.create(0, true, values));
        } else if (result instanceof StatementResult.Query query && !query.columns().isEmpty()) {
            stream.attach(query.query());
            streams.put(key(h), stream);
            resultSet = MetaResultSet.create(h.connectionId, h.id, false,
                    signature(sql, query.columns(), query.types()), Frame.create(0, false, List.of()));
        } else if (result instanceof StatementResult.Query query) {
            resultSet = MetaResultSet.create(h.connectionId, h.id, false,
                    signature(sql, List.of("query_id", "name"), List.of("VARCHAR", "VARCHAR")),
                    Frame.create(0, true, List.<Object>of(List.of(query.query().id(), query.query().name()))));
        } else {
            resultSet = MetaResultSet.count(h.connectionId, h.id, 0);
        }
        if (callback != null) {
            try {
                synchronized (callback.getMonitor()) {
                    callback.clear();
                    callback.assign(resultSet.signature, resultSet.firstFrame,
                            resultSet.updateCount);
                }
                callback.execute();
            } catch (java.sql.SQLException e) {
                throw new RuntimeException(e);
            }
        }
        return new ExecuteResult(List.of(resultSet));
    }

    @Override
    @SuppressWarnings("deprecation")
    public ExecuteResult prepareAndExecute(StatementHandle h, String sql, long maxRowCount, PrepareCallback callback) {
        return prepareAndExecute(h, sql, maxRowCount, -1, callback);
    }

    @Override
    public Frame fetch(StatementHandle h, long offset, int fetchMaxRowCount)
            throws NoSuchStatementException, MissingResultsException {
        session(h.connectionId);
        StreamingRows stream = streams.get(key(h));
        if (stream == null) {
            return Frame.create(offset, true, List.of());
        }
        try {
            StreamingRows.Fetched fetched = stream.fetch(fetchMaxRowCount > 0 ? fetchMaxRowCount : 1000, FETCH_WAIT);
            if (fetched.done()) {
                streams.remove(key(h), stream);
            }
            return Frame.create(offset, fetched.done(), fetched.rows());
        } catch (SluiceException e) {
            throw SqlStates.toAvatica(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Frame.create(offset, true, List.of());
        }
    }

    /** Rows as soon as they come (see {@link FrameIterable}). */
    @Override
    public Iterable<Object> createIterable(StatementHandle handle, QueryState state, Signature signature,
                                           List<TypedValue> parameters, Frame firstFrame) {
        return new FrameIterable(this, handle, firstFrame);
    }

    @Override
    public void closeStatement(StatementHandle h) {
        session(h.connectionId);
        closeStream(h);
    }

    @Override
    public void closeConnection(ConnectionHandle ch) {
        Sluice closing = session(ch.id);
        closeStreams(ch.id);
        if (sessions.remove(ch.id, closing)) {
            lastUsed.remove(ch.id);
        }
        try {
            closing.close();
        } finally {
            if (session != null) {
                afterClose.run();
            }
        }
    }

    // ---- Metadata: one catalog-less, schema-less namespace of tables

    @Override
    public MetaResultSet getTables(ConnectionHandle ch, String catalog, Pat schemaPattern, Pat tableNamePattern,
                                   List<String> typeList) {
        Pattern name = likeToRegex(tableNamePattern);
        List<Object> rows = new ArrayList<>();
        if (typeList == null || typeList.contains("TABLE")) {
            for (String table : tableNames(ch)) {
                if (name.matcher(table).matches()) {
                    rows.add(fieldValues(new MetaTable(null, null, table, "TABLE")));
                }
            }
        }
        return metadataResult(ch, MetaTable.class, rows);
    }

    @Override
    public MetaResultSet getColumns(ConnectionHandle ch, String catalog, Pat schemaPattern, Pat tableNamePattern,
                                    Pat columnNamePattern) {
        Pattern tableName = likeToRegex(tableNamePattern);
        Pattern columnName = likeToRegex(columnNamePattern);
        List<Object> rows = new ArrayList<>();
        Sluice session = session(ch.id);
        for (String table : tableNames(ch)) {
            if (!tableName.matcher(table).matches()) {
                continue;
            }
            int position = 0;
            for (ColumnInfo c : session.catalog().describe(table)) {
                position++;
                String column = c.name();
                String type = c.type();
                boolean nullable = c.nullable();
                if (columnName.matcher(column).matches()) {
                    rows.add(fieldValues(new MetaColumn(null, null, table, column, JdbcValues.sqlType(type), type,
                            null, null, 10, nullable ? DatabaseMetaData.columnNullable : DatabaseMetaData.columnNoNulls,
                            null, position, nullable ? "YES" : "NO")));
                }
            }
        }
        return metadataResult(ch, MetaColumn.class, rows);
    }

    @Override
    public MetaResultSet getTableTypes(ConnectionHandle ch) {
        return metadataResult(ch, MetaTableType.class, List.of(fieldValues(new MetaTableType("TABLE"))));
    }

    @Override
    public MetaResultSet getTypeInfo(ConnectionHandle ch) {
        List<Object> rows = new ArrayList<>();
        for (String type : List.of("BOOLEAN", "INTEGER", "BIGINT", "DOUBLE", "VARCHAR", "TIMESTAMP")) {
            boolean text = type.equals("VARCHAR");
            boolean numeric = type.equals("INTEGER") || type.equals("BIGINT") || type.equals("DOUBLE");
            rows.add(fieldValues(new MetaTypeInfo(type, JdbcValues.sqlType(type), null, text ? "'" : null,
                    text ? "'" : null, (short) DatabaseMetaData.typeNullable, text,
                    (short) DatabaseMetaData.typeSearchable, false, false, false, (short) 0, (short) 0, numeric ? 10 : 0)));
        }
        return metadataResult(ch, MetaTypeInfo.class, rows);
    }

    @Override
    public MetaResultSet getSchemas(ConnectionHandle ch, String catalog, Pat schemaPattern) {
        return metadataResult(ch, MetaSchema.class, List.of());
    }

    @Override
    public MetaResultSet getCatalogs(ConnectionHandle ch) {
        return metadataResult(ch, MetaCatalog.class, List.of());
    }

    // ---- Not supported: prepared statements, batches, transactions (a stream has none)

    @Override
    public StatementHandle prepare(ConnectionHandle ch, String sql, long maxRowCount) {
        throw new UnsupportedOperationException("Sluice has no prepared statements yet: use a Statement");
    }

    @Override
    public ExecuteBatchResult prepareAndExecuteBatch(StatementHandle h, List<String> sqlCommands) {
        long[] counts = new long[sqlCommands.size()];
        for (int i = 0; i < counts.length; i++) {
            prepareAndExecute(h, sqlCommands.get(i), -1, -1, null);
        }
        return new ExecuteBatchResult(counts);
    }

    @Override
    public ExecuteBatchResult executeBatch(StatementHandle h, List<List<TypedValue>> parameterValues) {
        throw new UnsupportedOperationException("Sluice has no prepared statements yet: use a Statement");
    }

    @Override
    @SuppressWarnings("deprecation")
    public ExecuteResult execute(StatementHandle h, List<TypedValue> parameterValues, long maxRowCount) {
        throw new UnsupportedOperationException("Sluice has no prepared statements yet: use a Statement");
    }

    @Override
    public ExecuteResult execute(StatementHandle h, List<TypedValue> parameterValues, int maxRowsInFirstFrame) {
        throw new UnsupportedOperationException("Sluice has no prepared statements yet: use a Statement");
    }

    @Override
    public boolean syncResults(StatementHandle sh, QueryState state, long offset) {
        return false;
    }

    @Override
    public void commit(ConnectionHandle ch) {
        // Auto-commit only: each statement takes effect when it runs.
    }

    @Override
    public void rollback(ConnectionHandle ch) {
        throw new UnsupportedOperationException("Sluice has no transactions to roll back");
    }

    // ---- Helpers

    private void closeStreams(String connectionId) {
        streams.keySet().removeIf(k -> {
            if (k.startsWith(connectionId + "/")) {
                StreamingRows s = streams.get(k);
                if (s != null) {
                    s.close();
                }
                return true;
            }
            return false;
        });
    }

    private void closeStream(StatementHandle h) {
        StreamingRows stream = streams.remove(key(h));
        if (stream != null) {
            LOG.info("Stopping the continuous query of statement {}", key(h));
            stream.close();
        }
    }

    private List<String> tableNames(ConnectionHandle ch) {
        return session(ch.id).catalog().tables().stream().map(TableInfo::name).sorted().toList();
    }

    private static Signature signature(String sql, List<String> columns, List<String> types) {
        List<ColumnMetaData> meta = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            meta.add(JdbcValues.column(columns.get(i), i, types.get(i)));
        }
        return Signature.create(meta, sql, List.of(), CursorFactory.LIST, StatementType.SELECT);
    }

    /**
     * Avatica's metadata calls Sluice does not answer (keys, procedures, privileges...) give empty results
     * through this; its own version needs a client connection, which the server's Meta does not have.
     */
    @Override
    protected MetaResultSet createResultSet(Map<String, Object> internalParameters, List<ColumnMetaData> columns,
                                            CursorFactory cursorFactory, Frame firstFrame) {
        return ownResultSet(connection != null ? connection.id : "", columns, internalParameters, cursorFactory,
                firstFrame);
    }

    /** A result set on a statement of its own (metadata): no client statement handle is needed for it. */
    private MetaResultSet ownResultSet(String connectionId, List<ColumnMetaData> columns,
                                       Map<String, Object> internalParameters, CursorFactory cursorFactory,
                                       Frame firstFrame) {
        Signature signature = new Signature(columns, "", List.of(), internalParameters, cursorFactory,
                StatementType.SELECT);
        return MetaResultSet.create(connectionId, statementIds.incrementAndGet(), true, signature, firstFrame);
    }

    /** A metadata result whose rows are the public fields of Avatica's {@code Meta*} classes, in order. */
    private MetaResultSet metadataResult(ConnectionHandle ch, Class<?> rowClass, List<Object> rows) {
        return ownResultSet(ch.id, fieldMetaData(rowClass).columns, Map.of(), CursorFactory.LIST,
                Frame.create(0, true, rows));
    }

    private static List<Object> fieldValues(Object row) {
        List<Object> values = new ArrayList<>();
        for (java.lang.reflect.Field f : row.getClass().getFields()) {
            if (!java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                try {
                    values.add(f.get(row));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return values;
    }

    /** A JDBC pattern ({@code %} any text, {@code _} any character; null matches all) as a regex. */
    private static Pattern likeToRegex(Pat pattern) {
        if (pattern == null || pattern.s == null) {
            return Pattern.compile(".*", Pattern.DOTALL);
        }
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.s.toCharArray()) {
            regex.append(c == '%' ? ".*" : c == '_' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    }

    private static String key(StatementHandle h) {
        return h.connectionId + "/" + h.id;
    }
}
