package dev.sluice.execution.aggregate;

/** {@code MAX(x)}: the largest non-NULL value (see {@link ExtremumAggregate} for types and state). */
final class MaxAggregate extends ExtremumAggregate {
    MaxAggregate() {
        super(true);
    }
}
