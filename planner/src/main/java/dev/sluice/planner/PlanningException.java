package dev.sluice.planner;

import dev.sluice.execution.error.EngineException;
import dev.sluice.execution.error.ErrorType;

/**
 * A statement that can't be parsed, validated or planned. The message names the object at fault and,
 * where known, the line and column ({@code "At line 1, column 8: Column 'x' not found in table 'clicks'"}).
 */
public final class PlanningException extends EngineException {
    public PlanningException(String message) {
        super(ErrorType.USER_ERROR, message);
    }

    public PlanningException(String message, Throwable cause) {
        super(ErrorType.USER_ERROR, message, cause);
    }

    /** An error at a position of the statement text (1-based line and column). */
    public static PlanningException at(int line, int column, String message) {
        return new PlanningException("At line " + line + ", column " + column + ": " + message);
    }
}
