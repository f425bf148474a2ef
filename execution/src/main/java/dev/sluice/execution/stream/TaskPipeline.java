package dev.sluice.execution.stream;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.plan.ScanNode;
import java.util.List;

/**
 * What one task runs over one source partition: read the scan's columns, then push each batch through the
 * stateless operators in order (filters, projections, lookup-join probes). One pipeline per scan of the plan; one task per pipeline and partition.
 */
record TaskPipeline(ScanNode scan, List<OperatorStep> operators) {
    TaskPipeline {
        requireNonNull(scan, "scan is null");
        operators = List.copyOf(operators);
    }
}
