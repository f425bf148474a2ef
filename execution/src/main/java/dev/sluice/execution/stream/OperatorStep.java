package dev.sluice.execution.stream;

import dev.sluice.execution.operator.BatchOperator;
import dev.sluice.execution.operator.FilterProjectOperator;
import dev.sluice.execution.operator.LookupJoinOperator;
import dev.sluice.execution.operator.LookupTable;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;

/**
 * One operator of a task's chain, created for each task: a filter/projection, or the probe of a lookup join,
 * which needs the batch's {@link LookupTable} of its static side.
 */
interface OperatorStep {
    BatchOperator create(BufferAllocator allocator, Map<Integer, LookupTable> lookups);

    static OperatorStep of(FilterProjectOperator.Factory factory) {
        return (allocator, lookups) -> factory.create(allocator);
    }

    /** The probe of the lookup join whose static side is {@code lookupId} in {@link BatchPlan#lookups()}. */
    static OperatorStep lookupJoin(LookupJoinOperator.Factory factory, int lookupId) {
        return (allocator, lookups) -> factory.create(allocator, lookups.get(lookupId));
    }
}
