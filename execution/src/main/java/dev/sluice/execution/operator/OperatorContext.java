package dev.sluice.execution.operator;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.state.StateStore;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;

/**
 * What a {@link StreamOperator} gets for one micro-batch.
 *
 * @param batchId the id of the batch being run
 * @param watermark the operator's input watermark for this batch (the smallest of its inputs' output
 *     watermarks), or {@link Long#MIN_VALUE} when there is none yet: no row of its inputs with an event
 *     time behind it will come any more
 * @param allocator where the operator allocates the batches it emits
 * @param state the operator's keyed state, opened at the previous batch, when the operator is stateful; the
 *     caller commits it after the sink took the batch's output, or aborts it
 * @param batchTimestampMillis the batch's time as logged in the offset log when it was planned (epoch
 *     milliseconds): the same when a crashed batch is re-run, so an operator counting time (a state TTL) from
 *     it does exactly the same work again; never the wall clock
 */
public record OperatorContext(long batchId, long watermark, BufferAllocator allocator, Optional<StateStore> state,
                              long batchTimestampMillis) {
    public OperatorContext {
        requireNonNull(allocator, "allocator is null");
        requireNonNull(state, "state is null");
    }

    /** The state of a stateful operator. */
    public StateStore requireState() {
        return state.orElseThrow(() -> new IllegalStateException("a stateful operator was given no state store"));
    }
}
