package dev.sluice.execution.error;

import static java.util.Objects.requireNonNull;

/**
 * An error that knows its kind ({@link ErrorType}), as Trino's {@code TrinoException} carries its error code.
 * Throw it, or a subclass ({@code PlanningException}, {@code SourceException}, {@code ExpressionException}),
 * for anything a user or the outside world caused: the API shows its message as it is. Any other exception
 * reaching the API is an internal error.
 */
public class EngineException extends RuntimeException {
    private final ErrorType type;

    public EngineException(ErrorType type, String message) {
        super(message);
        this.type = requireNonNull(type, "type is null");
    }

    public EngineException(ErrorType type, String message, Throwable cause) {
        super(message, cause);
        this.type = requireNonNull(type, "type is null");
    }

    /** A user's error: a bad statement, option or value; the message says what to change. */
    public static EngineException userError(String message) {
        return new EngineException(ErrorType.USER_ERROR, message);
    }

    public ErrorType type() {
        return type;
    }
}
