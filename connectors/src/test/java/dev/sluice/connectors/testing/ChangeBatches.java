package dev.sluice.connectors.testing;

import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Changelog batches for sink tests: rows with their weights (+1 an insert, -1 a delete). */
public final class ChangeBatches {
    private ChangeBatches() {
    }

    /** A batch of {@code rows} (of {@code schema}), row i with weight {@code weights[i]}; the caller closes it. */
    public static ChangeBatch of(RowSchema schema, List<List<Object>> rows, BufferAllocator allocator, int... weights) {
        if (rows.size() != weights.length) {
            throw new IllegalArgumentException(rows.size() + " rows, " + weights.length + " weights");
        }
        VectorSchemaRoot root = VectorValues.toBatch(schema, rows, allocator);
        IntVector w = new IntVector("weight", allocator);
        w.allocateNew(weights.length);
        for (int i = 0; i < weights.length; i++) {
            w.set(i, weights[i]);
        }
        w.setValueCount(weights.length);
        return ChangeBatch.of(root, w);
    }
}
