package dev.sluice.execution.operator;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.plan.JoinType;
import dev.sluice.execution.state.ByteArrayWriter;
import dev.sluice.execution.type.RowSchema;
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
    private final int[] streamKeys;
    private final ByteArrayWriter scratch = new ByteArrayWriter();

    private LookupJoinOperator(Factory factory, LookupTable table, BufferAllocator allocator) {
        this.factory = factory;
        this.table = table;
        this.allocator = requireNonNull(allocator, "allocator is null");
        this.streamKeys = factory.streamKeys.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public RowSchema outputSchema() {
        return factory.outputSchema;
    }

    /** Probes with each row's key, hashed from the vectors; copies the row and decodes its matches into the output. */
    @Override
    public VectorSchemaRoot process(VectorSchemaRoot input) {
        int width = input.getFieldVectors().size();
        try (ChangeBatchBuilder out = new ChangeBatchBuilder(factory.outputSchema, allocator, Integer.MAX_VALUE)) {
            for (int r = 0; r < input.getRowCount(); r++) {
                List<byte[]> matches = table.matches(LookupTable.key(input, streamKeys, r, scratch));
                switch (factory.type) {
                    case SEMI, ANTI -> {
                        if (matches.isEmpty() == (factory.type == JoinType.ANTI)) {
                            out.copyRow(0, input, r);
                            out.endRow(1);
                        }
                    }
                    default -> {
                        for (byte[] match : matches) {
                            out.copyRow(0, input, r);
                            out.decode(width, table.width(), match, 0);
                            out.endRow(1);
                        }
                        if (matches.isEmpty() && factory.type == JoinType.LEFT) {
                            out.copyRow(0, input, r);
                            out.endRow(1);
                        }
                    }
                }
            }
            return out.buildRows();
        }
    }
}
