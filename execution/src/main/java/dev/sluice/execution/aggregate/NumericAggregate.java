package dev.sluice.execution.aggregate;

import static dev.sluice.execution.type.ColumnType.BIGINT;
import static dev.sluice.execution.type.ColumnType.DOUBLE;
import static dev.sluice.execution.type.ColumnType.INTEGER;

import dev.sluice.execution.type.ColumnType;

/** What SUM and AVG share: an INTEGER, BIGINT or DOUBLE argument. */
abstract class NumericAggregate implements AggregateFunction {
    @Override
    public final boolean acceptsArgument(ColumnType type) {
        return type == INTEGER || type == BIGINT || type == DOUBLE;
    }

    @Override
    public final String argumentTypes() {
        return "INTEGER, BIGINT or DOUBLE";
    }
}
