package dev.sluice.execution.connector;

import dev.sluice.execution.error.EngineException;
import dev.sluice.execution.error.ErrorType;

import static java.util.Objects.requireNonNull;

/**
 * A column computed from the other columns of its row, as Flink SQL declares it: {@code name AS expression},
 * e.g. {@code event_time AS TO_TIMESTAMP_LTZ(dateTime, 3)}. The catalog keeps the SQL text; the planner
 * resolves it against the table's physical and metadata columns (and so derives its type) each time it plans,
 * and the table's source computes it while reading, so a watermark may be declared on it. It is read like any
 * column but never written: an INSERT gives values for the physical columns only.
 *
 * @param name the column's name, as declared
 * @param expression the SQL expression, as written
 * @param position the column's place among the table's declared columns (physical and computed), from 0
 */
public record ComputedColumn(String name, String expression, int position) {
    public ComputedColumn {
        requireNonNull(name, "name is null");
        requireNonNull(expression, "expression is null");
        if (expression.isBlank()) {
            throw new EngineException(ErrorType.USER_ERROR, "The computed column '" + name + "' has no expression");
        }
        if (position < 0) {
            throw new IllegalArgumentException("position must not be negative: " + position);
        }
    }
}
