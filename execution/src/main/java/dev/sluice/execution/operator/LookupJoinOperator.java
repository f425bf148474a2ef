package dev.sluice.execution.operator;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Joins each row of a stream batch with its matches in a {@link LookupTable} (a lookup join's probe side):
 * one output row per match, the stream's columns then the table's; with {@code outer}, a row without a match
 * is kept once with NULLs.
 */
public final class LookupJoinOperator implements BatchOperator {
    /** What every task's operator shares: the key columns, the join type and the output schema. */
    public static final class Factory {
        private final List<Integer> streamKeys;
        private final boolean outer;
        private final RowSchema outputSchema;

        public Factory(List<Integer> streamKeys, boolean outer, RowSchema outputSchema) {
            this.streamKeys = List.copyOf(streamKeys);
            this.outer = outer;
            this.outputSchema = requireNonNull(outputSchema, "outputSchema is null");
        }

        public LookupJoinOperator create(BufferAllocator allocator, LookupTable table) {
            return new LookupJoinOperator(this, requireNonNull(table, "table is null"), allocator);
        }
    }

    private final Factory factory;
    private final LookupTable table;
    private final BufferAllocator allocator;

    private LookupJoinOperator(Factory factory, LookupTable table, BufferAllocator allocator) {
        this.factory = factory;
        this.table = table;
        this.allocator = requireNonNull(allocator, "allocator is null");
    }

    @Override
    public RowSchema outputSchema() {
        return factory.outputSchema;
    }

    @Override
    public VectorSchemaRoot process(VectorSchemaRoot input) {
        List<List<Object>> out = new ArrayList<>();
        List<Object> noMatch = Collections.nCopies(table.width(), null);
        for (List<Object> row : VectorValues.rows(input)) {
            List<List<Object>> matches = table.matches(LookupTable.key(row, factory.streamKeys));
            for (List<Object> match : matches) {
                out.add(concat(row, match));
            }
            if (matches.isEmpty() && factory.outer) {
                out.add(concat(row, noMatch));
            }
        }
        return out.isEmpty() ? null : VectorValues.toBatch(factory.outputSchema, out, allocator);
    }

    private static List<Object> concat(List<Object> a, List<Object> b) {
        List<Object> row = new ArrayList<>(a.size() + b.size());
        row.addAll(a);
        row.addAll(b);
        return row;
    }
}
