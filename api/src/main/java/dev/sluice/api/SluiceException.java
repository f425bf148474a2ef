package dev.sluice.api;

/**
 * An error the user can act on: a bad statement, an unknown table or column, a missing topic, a record
 * that can't be decoded, an unreachable broker. The message names the thing at fault (and, for SQL, the
 * line and column); tools show the message and keep the stack trace for the log.
 */
public class SluiceException extends RuntimeException {
    public SluiceException(String message) {
        super(message);
    }

    public SluiceException(String message, Throwable cause) {
        super(message, cause);
    }
}
