package dev.sluice.execution.source;

/** A source can't deliver what was asked (missing topic, unreachable broker, data out of retention...). */
public class SourceException extends RuntimeException {
    public SourceException(String message) {
        super(message);
    }

    public SourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
