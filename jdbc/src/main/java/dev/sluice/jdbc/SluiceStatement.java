package dev.sluice.jdbc;

import java.sql.SQLException;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.remote.AvaticaRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A statement whose {@link #cancel()} also stops its continuous query where it runs (Avatica's cancel only
 * raises a flag on the client, which a {@code ResultSet.next()} waiting for the next micro-batch would not
 * see), and whose query timeout ({@link #setQueryTimeout}) cancels it: the timeout covers running the
 * statement and reading its rows, so a {@code SELECT STREAM} ends after it.
 */
final class SluiceStatement extends AvaticaStatement {
    private static final Logger LOG = LoggerFactory.getLogger(SluiceStatement.class);
    private static final ScheduledExecutorService TIMEOUTS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sluice-jdbc-timeouts");
        t.setDaemon(true);
        return t;
    });

    private volatile ScheduledFuture<?> timeout;

    SluiceStatement(AvaticaConnection connection, Meta.StatementHandle handle, int resultSetType,
                    int resultSetConcurrency, int resultSetHoldability) {
        super(connection, handle, resultSetType, resultSetConcurrency, resultSetHoldability);
    }

    @Override
    protected void executeInternal(String sql) throws SQLException {
        stopTimeout();
        cancelFlag.set(false);  // a new execution starts uncancelled
        int seconds = getQueryTimeout();
        if (seconds > 0) {
            timeout = TIMEOUTS.schedule(this::cancelOnTimeout, seconds, TimeUnit.SECONDS);
        }
        try {
            super.executeInternal(sql);
        } catch (SQLException e) {
            throw readable(e, sql);
        }
    }

    /**
     * A server's error as the same message an in-process connection gives, not Avatica's wrapping of it
     * ({@code Error -1 (00000) : Error while executing SQL "...": Remote driver error: SluiceException: why ->
     * PlanningException: why -> ...}).
     */
    private static SQLException readable(SQLException e, String sql) {
        String message = String.valueOf(e.getMessage());
        int remote = message.indexOf("Remote driver error: ");
        String state = e.getSQLState() != null ? e.getSQLState() : sqlStateOfCause(e);
        if (remote < 0 && Objects.equals(state, e.getSQLState())) {
            return e;
        }
        return new SQLException(remote < 0 ? message : "Error while executing SQL \"" + sql + "\": "
                + RemoteConnection.serverMessage(message.substring(remote)), state, e.getErrorCode(), e);
    }

    /**
     * The SQLState an in-process error carries (Avatica drops it when it wraps the Meta's exception; over HTTP
     * it travels in the error response).
     */
    private static String sqlStateOfCause(SQLException e) {
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof AvaticaRuntimeException avatica) {
                return avatica.getSqlState();
            }
        }
        return null;
    }

    @Override
    public void cancel() throws SQLException {
        // Not synchronized as super.cancel() is: the thread running the statement may hold the monitor.
        cancelFlag.set(true);
        ((SluiceConnection) connection).meta().closeStatement(handle);
    }

    @Override
    public synchronized void close() throws SQLException {
        stopTimeout();
        super.close();
    }

    private void cancelOnTimeout() {
        try {
            LOG.info("Statement {} reached its query timeout of {} s: cancelling it", handle, getQueryTimeout());
            cancel();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Could not cancel statement {} on timeout", handle, e);
        }
    }

    private void stopTimeout() {
        ScheduledFuture<?> t = timeout;
        if (t != null) {
            t.cancel(false);
        }
    }
}
