package dev.sluice.planner;

/**
 * A statement that can't be parsed, validated or planned. The message names the object at fault and,
 * where known, the line and column ({@code "At line 1, column 8: Column 'x' not found in table 'clicks'"}).
 */
public final class PlanningException extends RuntimeException {
    public PlanningException(String message) {
        super(message);
    }

    public PlanningException(String message, Throwable cause) {
        super(message, cause);
    }

    /** An error at a position of the statement text (1-based line and column). */
    public static PlanningException at(int line, int column, String message) {
        return new PlanningException("At line " + line + ", column " + column + ": " + message);
    }
}
