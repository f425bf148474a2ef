package dev.sluice.execution.expr;

/** A field of a timestamp, for {@link Extract} and {@link TruncateTimestamp}. */
public enum DateTimeUnit {
    YEAR, QUARTER, MONTH, WEEK, DAY, DAY_OF_WEEK, DAY_OF_YEAR, HOUR, MINUTE, SECOND, MILLISECOND, EPOCH;

    /** The unit's SQL spelling, e.g. {@code DOW} for DAY_OF_WEEK. */
    public String sqlName() {
        return switch (this) {
            case DAY_OF_WEEK -> "DOW";
            case DAY_OF_YEAR -> "DOY";
            default -> name();
        };
    }
}
