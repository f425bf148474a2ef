package dev.sluice.execution.expr;

import dev.sluice.execution.type.ColumnType;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * {@code PROCTIME()} in a continuous query: the processing time of the micro-batch being run, the same for every
 * row of it. It is the batch's time as logged in the offset log when the batch was planned, never a clock read,
 * so a batch re-run after a crash computes exactly the same values (and a processing-time window puts each row
 * in the same window): exactly once, as every other part of a batch.
 *
 * <p>How the value reaches the expression: the code running a batch's tasks and operators runs them inside
 * {@link #at(long, Callable)}, which makes the batch's time the current one for that thread; evaluating the
 * expression anywhere else fails, naming it. (A bounded query's {@code PROCTIME()} is a literal, fixed when the
 * query is planned.)
 */
public final class ProcessingTime implements PhysicalExpr {
    /** No batch time on this thread. */
    private static final long NONE = Long.MIN_VALUE;
    /**
     * The batch time of each thread, in a cell of its own that stays (a task pool's threads live long), so that
     * running a task sets a value rather than adding and removing a thread-local entry, which allocated per task.
     */
    private static final ThreadLocal<long[]> BATCH_TIME = ThreadLocal.withInitial(() -> new long[] {NONE});

    public static final ProcessingTime INSTANCE = new ProcessingTime();

    private ProcessingTime() {
    }

    /** Runs {@code work} on this thread with {@code batchMillis} as the value of {@code PROCTIME()}. */
    public static <T> T at(long batchMillis, Callable<T> work) throws Exception {
        long[] time = BATCH_TIME.get();
        long saved = time[0];
        time[0] = batchMillis;
        try {
            return work.call();
        } finally {
            time[0] = saved;
        }
    }

    @Override
    public ColumnType type() {
        return ColumnType.TIMESTAMP;
    }

    @Override
    public FieldVector evaluate(VectorSchemaRoot batch, BufferAllocator allocator) {
        long millis = BATCH_TIME.get()[0];
        if (millis == NONE) {
            throw new ExpressionException("PROCTIME() was evaluated outside of a micro-batch, which gives it its time");
        }
        return Literal.timestamp(millis).evaluate(batch, allocator);
    }

    @Override
    public String toString() {
        return "PROCTIME()";
    }
}
