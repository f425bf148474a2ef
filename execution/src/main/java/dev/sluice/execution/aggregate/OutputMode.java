package dev.sluice.execution.aggregate;

/**
 * Which result rows a streaming aggregation emits after each batch. (Append, a row once and for all, needs
 * an event-time window closed by the watermark; plain GROUP BY cannot offer it.)
 */
public enum OutputMode {
    /** The rows of the groups the batch changed, with their new values. */
    UPDATE,
    /** Every group's row, each batch. */
    COMPLETE,
    /**
     * A window's row once, when the watermark passes the window's end (then its state is dropped): for
     * windowed aggregations over a watermarked table.
     */
    APPEND
}
