package dev.sluice.jdbc.meta;

import dev.sluice.api.SluiceException;
import dev.sluice.execution.error.ErrorType;
import org.apache.calcite.avatica.AvaticaSeverity;
import org.apache.calcite.avatica.remote.AvaticaRuntimeException;

/**
 * The SQLState of an error, from its kind: a JDBC client (and a tool's error dialog) tells the user's errors
 * from the server's by it. The classes are the SQL standard's and PostgreSQL's: {@code 42000} (syntax error or
 * access rule violation), {@code 53000} (insufficient resources), {@code 58000} (system error: outside the
 * database), {@code XX000} (internal error).
 */
public final class SqlStates {
    public static final String USER_ERROR = "42000";
    public static final String INSUFFICIENT_RESOURCES = "53000";
    public static final String EXTERNAL = "58000";
    public static final String INTERNAL_ERROR = "XX000";

    private SqlStates() {
    }

    public static String of(ErrorType type) {
        return switch (type) {
            case USER_ERROR -> USER_ERROR;
            case INSUFFICIENT_RESOURCES -> INSUFFICIENT_RESOURCES;
            case EXTERNAL -> EXTERNAL;
            case INTERNAL_ERROR -> INTERNAL_ERROR;
        };
    }

    /**
     * The error as Avatica carries it to the client, in-process or over HTTP: message, SQLState and severity
     * (a user's error is one the client recovers from; an internal one is fatal to the statement, not the
     * connection).
     */
    static AvaticaRuntimeException toAvatica(SluiceException e) {
        AvaticaSeverity severity = e.type() == ErrorType.INTERNAL_ERROR ? AvaticaSeverity.FATAL : AvaticaSeverity.ERROR;
        AvaticaRuntimeException wrapped = new Carried(e.getMessage(), of(e.type()), severity);
        wrapped.initCause(e);
        return wrapped;
    }

    /**
     * Avatica's exception keeps its message apart ({@code getErrorMessage()}, which the server sends); this one
     * also answers {@code getMessage()}, which an in-process connection puts into its {@code SQLException}.
     */
    private static final class Carried extends AvaticaRuntimeException {
        private static final long serialVersionUID = 1L;

        Carried(String message, String sqlState, AvaticaSeverity severity) {
            super(message, -1, sqlState, severity);
        }

        @Override
        public String getMessage() {
            return getErrorMessage();
        }
    }
}
