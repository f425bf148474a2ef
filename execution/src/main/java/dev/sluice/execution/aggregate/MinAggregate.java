package dev.sluice.execution.aggregate;

/** {@code MIN(x)}: the smallest non-NULL value (see {@link ExtremumAggregate} for types and state). */
final class MinAggregate extends ExtremumAggregate {
    MinAggregate() {
        super(false);
    }
}
