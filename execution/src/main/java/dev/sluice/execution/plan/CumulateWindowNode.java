package dev.sluice.execution.plan;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import java.util.List;

/**
 * The window table function {@code CUMULATE(TABLE t, DESCRIPTOR(ts), step, size)}: each input row once per
 * cumulating window it falls in, with that window's {@code window_start} and {@code window_end} after the input's
 * columns. The windows of a row all start where the {@code sizeMillis} window holding its time starts, and end
 * {@code stepMillis}, 2 {@code stepMillis}, ... up to {@code sizeMillis} after it; the row is in those ending after
 * its time. Stateless, runs in each task; a row with a NULL time is in no window (dropped), as in Flink.
 *
 * @param timeColumn the input column of the time (a TIMESTAMP)
 */
public record CumulateWindowNode(PhysicalNode input, int timeColumn, long stepMillis, long sizeMillis, RowSchema schema)
        implements PhysicalNode {
    public CumulateWindowNode {
        requireNonNull(input, "input is null");
        requireNonNull(schema, "schema is null");
        if (stepMillis <= 0 || sizeMillis <= 0 || sizeMillis % stepMillis != 0) {
            throw new IllegalArgumentException("CUMULATE needs a positive step that divides its size; got a step of "
                    + stepMillis + " ms and a size of " + sizeMillis + " ms");
        }
        if (input.schema().column(timeColumn).type() != ColumnType.TIMESTAMP) {
            throw new IllegalArgumentException("CUMULATE needs a TIMESTAMP time column, not "
                    + input.schema().column(timeColumn));
        }
        if (schema.size() != input.schema().size() + 2) {
            throw new IllegalArgumentException("CUMULATE adds window_start and window_end to its input's columns");
        }
    }

    @Override
    public List<PhysicalNode> inputs() {
        return List.of(input);
    }

    @Override
    public String describe() {
        return "CumulateWindows(time=" + input.schema().column(timeColumn).name() + ", step=" + stepMillis
                + " ms, size=" + sizeMillis + " ms: each row once per window it is in)";
    }
}
