package dev.sluice.execution.stream;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.operator.BatchOperator;
import dev.sluice.execution.operator.FilterProjectOperator;
import dev.sluice.execution.operator.LookupJoinOperator;
import dev.sluice.execution.operator.LookupTable;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;

/**
 * One operator of a task's chain, created for each task: a filter/projection, or the probe of a lookup join,
 * which needs the batch's {@link LookupTable} of its static side.
 *
 * @param name what EXPLAIN calls it
 */
record OperatorStep(String name, Creator creator) {
    OperatorStep {
        requireNonNull(name, "name is null");
        requireNonNull(creator, "creator is null");
    }

    /** Creates the operator of one task. */
    interface Creator {
        BatchOperator create(BufferAllocator allocator, Map<Integer, LookupTable> lookups);
    }

    BatchOperator create(BufferAllocator allocator, Map<Integer, LookupTable> lookups) {
        return creator.create(allocator, lookups);
    }

    static OperatorStep of(FilterProjectOperator.Factory factory) {
        return new OperatorStep("FilterProject", (allocator, lookups) -> factory.create(allocator));
    }

    /** The probe of the lookup join whose static side is {@code lookupId} in {@link IncrementalPlan#lookups()}. */
    static OperatorStep lookupJoin(LookupJoinOperator.Factory factory, int lookupId) {
        return new OperatorStep("LookupJoin (probe)",
                (allocator, lookups) -> factory.create(allocator, lookups.get(lookupId)));
    }
}
