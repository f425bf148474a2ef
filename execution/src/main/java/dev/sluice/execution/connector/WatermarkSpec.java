package dev.sluice.execution.connector;

import dev.sluice.execution.error.EngineException;
import dev.sluice.execution.error.ErrorType;

import static java.util.Objects.requireNonNull;

/**
 * A table's event time and how late its rows may arrive: {@code WATERMARK FOR column AS column - INTERVAL
 * delay}. The watermark of a query is the largest event time seen minus {@code delayMillis} (see the
 * micro-batch loop for the exact rule); stateful operators drop rows behind it and close windows at it.
 */
public record WatermarkSpec(String column, long delayMillis) {
    public WatermarkSpec {
        requireNonNull(column, "column is null");
        if (delayMillis < 0) {
            throw new EngineException(ErrorType.USER_ERROR, "A watermark delay can't be negative");
        }
    }
}
