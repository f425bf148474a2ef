package dev.sluice.execution.source;

import dev.sluice.execution.error.EngineException;
import dev.sluice.execution.error.ErrorType;

/** A source can't deliver what was asked (missing topic, unreachable broker, data out of retention...). */
public class SourceException extends EngineException {
    /** An error outside Sluice ({@link ErrorType#EXTERNAL}): the broker, the file system. */
    public SourceException(String message) {
        super(ErrorType.EXTERNAL, message);
    }

    /** An error outside Sluice ({@link ErrorType#EXTERNAL}): the broker, the file system. */
    public SourceException(String message, Throwable cause) {
        super(ErrorType.EXTERNAL, message, cause);
    }

    public SourceException(ErrorType type, String message) {
        super(type, message);
    }
}
