package dev.sluice.execution.operator;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.plan.JoinType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Joins each row of a stream batch with its matches in a {@link LookupTable} (a lookup join's probe side):
 * one output row per match, the stream's columns then the table's; for a LEFT join, a row without a match
 * is kept once with NULLs; a SEMI join emits each row with a match once, an ANTI join each row without one
 * (the stream's columns only).
 */
public final class LookupJoinOperator implements BatchOperator {
    /** What every task's operator shares: the key columns, the join type and the output schema. */
    public static final class Factory {
        private final List<Integer> streamKeys;
        private final JoinType type;
        private final RowSchema outputSchema;

        /** An inner join, or with {@code outer} a LEFT join. */
        public Factory(List<Integer> streamKeys, boolean outer, RowSchema outputSchema) {
            this(streamKeys, outer ? JoinType.LEFT : JoinType.INNER, outputSchema);
        }

        /** An inner, LEFT, SEMI or ANTI join (the stream's rows kept, not the table's). */
        public Factory(List<Integer> streamKeys, JoinType type, RowSchema outputSchema) {
            this.streamKeys = List.copyOf(streamKeys);
            this.type = requireNonNull(type, "type is null");
            this.outputSchema = requireNonNull(outputSchema, "outputSchema is null");
            if (type == JoinType.RIGHT || type == JoinType.FULL) {
                throw new IllegalArgumentException("A lookup join keeps the stream's rows only: " + type.sql());
            }
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
            switch (factory.type) {
                case SEMI -> {
                    if (!matches.isEmpty()) {
                        out.add(row);
                    }
                }
                case ANTI -> {
                    if (matches.isEmpty()) {
                        out.add(row);
                    }
                }
                default -> {
                    for (List<Object> match : matches) {
                        out.add(concat(row, match));
                    }
                    if (matches.isEmpty() && factory.type == JoinType.LEFT) {
                        out.add(concat(row, noMatch));
                    }
                }
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
