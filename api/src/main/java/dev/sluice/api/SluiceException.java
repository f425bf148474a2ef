package dev.sluice.api;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.error.ErrorType;

/**
 * What a statement or query failed with, and whose the error is ({@link #type()}). A user's error (a bad
 * statement, an unknown table or column, a record that can't be decoded), a lack of resources or an external
 * failure (an unreachable broker) has a message naming the thing at fault (and, for SQL, the line and column):
 * tools show it as it is. An {@link ErrorType#INTERNAL_ERROR} is a bug: its message starts with
 * {@code Internal error:}, and its stack trace is in the log.
 */
public class SluiceException extends RuntimeException {
    private final ErrorType type;

    /** A user's error. */
    public SluiceException(String message) {
        this(ErrorType.USER_ERROR, message, null);
    }

    /** A user's error. */
    public SluiceException(String message, Throwable cause) {
        this(ErrorType.USER_ERROR, message, cause);
    }

    public SluiceException(ErrorType type, String message, Throwable cause) {
        super(message, cause);
        this.type = requireNonNull(type, "type is null");
    }

    /** Whose the error is: the user's, the resources', Sluice's own (a bug) or the outside world's. */
    public ErrorType type() {
        return type;
    }
}
