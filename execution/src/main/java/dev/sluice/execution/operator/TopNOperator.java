package dev.sluice.execution.operator;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.changelog.ChangelogMode;
import dev.sluice.execution.plan.SortKey;
import dev.sluice.execution.plan.TopNNode.RankFunction;
import dev.sluice.execution.state.ByteArrayReader;
import dev.sluice.execution.state.ByteArrayWriter;
import dev.sluice.execution.state.RowCodec;
import dev.sluice.execution.state.StateSpec;
import dev.sluice.execution.state.StateStore;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Top-N per partition key ({@code ROW_NUMBER() / RANK() / DENSE_RANK() OVER (PARTITION BY ... ORDER BY ...)}
 * filtered to ranks up to N). Output: the input's columns, then the rank.
 *
 * <p>Two ways to run, chosen by the plan:
 * <ul>
 *   <li><b>updating</b> (a stream): the state keeps, per partition key, the rows now in its top. A batch's rows
 *       are merged into the tops of the partitions they belong to; what changed is emitted as changes: a
 *       delete of each row that left a top (or whose rank changed) and an insert of each that entered (or
 *       got its new rank). Ties keep the order the rows came in (earlier rows first), which a re-run batch
 *       repeats. State: the partitions' tops, never more than N rows each (more with RANK's ties).</li>
 *   <li><b>once</b> (each partition's rows come in one batch and are final: the partition includes a closed
 *       window, or the query is bounded): the batch's rows are ranked per partition and emitted as inserts;
 *       nothing is kept.</li>
 * </ul>
 * Input: inserts only (a Top-N over updating rows comes later). Rows are offered to their partition's top
 * straight from the input's vectors (the partition key hashed from them, the ORDER BY values read); only rows
 * that enter a top are encoded ({@link RowCodec}, as the state keeps them), and the output is decoded from
 * those bytes into its vectors: no Java object per value of a row that does not make the top.
 */
public final class TopNOperator implements StreamOperator {
    /** What every batch's Top-N shares. */
    public static final class Factory implements StreamOperator.Factory {
        private final RowSchema inputSchema;
        private final List<Integer> partition;
        private final List<SortKey> order;
        private final RankFunction function;
        private final long limit;
        private final boolean once;
        private final RowSchema outputSchema;
        private final RowSchema keySchema;
        private final String description;
        /**
         * Whether this keeps the first row per key and nothing else (ROW_NUMBER &lt;= 1 ordered by partition keys
         * only, as a deduplication is): every row of a partition ties, ties keep the earlier row, so a top never
         * changes once set and the result is append-only (as Flink's keep-first deduplication).
         */
        private final boolean keepsFirst;

        /**
         * @param once whether each partition's rows all come in one batch (see the class comment)
         * @param outputSchema the input's columns, then the rank (BIGINT)
         */
        public Factory(RowSchema inputSchema, List<Integer> partition, List<SortKey> order, RankFunction function,
                       long limit, boolean once, RowSchema outputSchema, String description) {
            this.inputSchema = requireNonNull(inputSchema, "inputSchema is null");
            this.partition = List.copyOf(partition);
            this.order = List.copyOf(order);
            this.function = requireNonNull(function, "function is null");
            this.limit = limit;
            this.once = once;
            this.outputSchema = requireNonNull(outputSchema, "outputSchema is null");
            this.description = requireNonNull(description, "description is null");
            Column rank = outputSchema.column(outputSchema.size() - 1);
            if (outputSchema.size() != inputSchema.size() + 1 || rank.type() != ColumnType.BIGINT) {
                throw new IllegalArgumentException("A Top-N emits its input's columns and a BIGINT rank, not "
                        + outputSchema.names());
            }
            this.keySchema = PartitionedRows.keySchema(inputSchema, this.partition);
            this.keepsFirst = function == RankFunction.ROW_NUMBER && limit == 1
                    && this.order.stream().allMatch(k -> this.partition.contains(k.column()));
        }

        @Override
        public RowSchema outputSchema() {
            return outputSchema;
        }

        @Override
        public ChangelogMode changelogMode() {
            return once || keepsFirst ? ChangelogMode.APPEND : new ChangelogMode(ChangelogMode.Kind.RETRACT, List.of());
        }

        @Override
        public Optional<StateSpec> state(String operatorId) {
            return once ? Optional.empty() : Optional.of(new StateSpec(operatorId, keySchema, inputSchema));
        }

        @Override
        public String kind() {
            return once ? "stateless" : "topn";
        }

        @Override
        public TopNOperator create(OperatorContext context) {
            return new TopNOperator(this, context);
        }

        @Override
        public String describe() {
            return description + (once ? "" : keepsFirst ? ", emits each key's first row"
                    : ", emits the changes to each partition's top");
        }
    }

    /** A row in a top: its encoding ({@link RowCodec}, the input's columns) and its ORDER BY values. */
    private static final class Candidate {
        final byte[] row;
        final Object[] order;

        Candidate(byte[] row, Object[] order) {
            this.row = row;
            this.order = order;
        }
    }

    /** A partition the batch touched: its top as stored (or empty) and as the batch's rows made it. */
    private static final class Partition {
        final byte[] key;
        final List<Candidate> before;
        final List<Candidate> top;
        boolean changed;

        Partition(byte[] key, List<Candidate> before) {
            this.key = key;
            this.before = before;
            this.top = new ArrayList<>(before);
        }
    }

    private final Factory factory;
    private final OperatorContext context;
    private final Optional<StateStore> store;
    private final int[] partition;
    private final ColumnType[] types;
    private final int[] orderColumns;
    /** The partitions the batch's rows fell in, in the order they first came. */
    private final Map<EncodedKey, Partition> partitions = new LinkedHashMap<>();
    private final ByteArrayWriter scratch = new ByteArrayWriter();

    private TopNOperator(Factory factory, OperatorContext context) {
        this.factory = factory;
        this.context = context;
        this.store = factory.once ? Optional.empty() : Optional.of(context.requireState());
        this.partition = factory.partition.stream().mapToInt(Integer::intValue).toArray();
        this.types = RowCodec.types(factory.inputSchema);
        this.orderColumns = factory.order.stream().mapToInt(SortKey::column).toArray();
    }

    /**
     * Offers each row of the batch to its partition's top, straight from the vectors: a row that can't enter
     * the top is compared and dropped; one that enters is encoded and kept there (a row that later leaves the
     * top can't come back: the input is only inserted).
     */
    @Override
    public List<ChangeBatch> add(int input, ChangeBatch batch) {
        try (batch) {
            if (!batch.isInsertOnly()) {
                throw new IllegalStateException("A Top-N got deleted rows, which it can't take back yet");
            }
            VectorSchemaRoot root = batch.rows();
            List<FieldVector> vectors = root.getFieldVectors();
            for (int r = 0; r < root.getRowCount(); r++) {
                byte[] key = PartitionedRows.key(partition, root, r, scratch);
                Partition p = partitions.computeIfAbsent(new EncodedKey(key), k -> load(key));
                offer(p, vectors, r);
            }
        }
        return List.of();
    }

    @Override
    public List<ChangeBatch> finish() {
        List<Candidate> deleted = new ArrayList<>();
        List<Long> deletedRanks = new ArrayList<>();
        List<Candidate> inserted = new ArrayList<>();
        List<Long> insertedRanks = new ArrayList<>();
        for (Partition p : partitions.values()) {
            if (!p.changed) {
                continue;
            }
            diff(p.before, ranks(p.before), p.top, ranks(p.top), deleted, deletedRanks, inserted, insertedRanks);
            if (store.isPresent()) {
                ByteArrayWriter value = new ByteArrayWriter();
                value.writeVarInt(p.top.size());
                for (Candidate c : p.top) {
                    value.writeVarInt(c.row.length).writeBytes(c.row);
                }
                store.get().put(p.key, value.toByteArray());
            }
        }
        partitions.clear();
        if (inserted.isEmpty() && deleted.isEmpty()) {
            return List.of();
        }
        boolean appendOnly = factory.once || factory.keepsFirst;
        if (appendOnly && !deleted.isEmpty()) {
            throw new IllegalStateException("A keep-first Top-N replaced a partition's first row");
        }
        try (ChangeBatchBuilder out = new ChangeBatchBuilder(factory.outputSchema, context.allocator())) {
            int rank = factory.inputSchema.size();
            for (int i = 0; i < deleted.size(); i++) {
                out.decode(0, rank, deleted.get(i).row, 0);
                out.setLong(rank, deletedRanks.get(i));
                out.endRow(-1);
            }
            for (int i = 0; i < inserted.size(); i++) {
                out.decode(0, rank, inserted.get(i).row, 0);
                out.setLong(rank, insertedRanks.get(i));
                out.endRow(1);
            }
            return out.build(!appendOnly);
        }
    }

    /** The partition of encoded key {@code key} with its top as the state keeps it (none when once). */
    private Partition load(byte[] key) {
        byte[] stored = store.isPresent() ? store.get().get(key) : null;
        if (stored == null) {
            return new Partition(key, List.of());
        }
        ByteArrayReader in = new ByteArrayReader(stored);
        int count = in.readVarInt();
        List<Candidate> before = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] row = in.readBytes(in.readVarInt());
            before.add(new Candidate(row, order(row)));
        }
        return new Partition(key, before);
    }

    /**
     * Adds row {@code row} to the top of {@code p} if it ranks within the limit: after every row that ranks
     * before or ties with it (ties keep the order rows came in), dropping the rows it pushes out.
     */
    private void offer(Partition p, List<FieldVector> vectors, int row) {
        Object[] order = new Object[orderColumns.length];
        for (int k = 0; k < orderColumns.length; k++) {
            FieldVector v = vectors.get(orderColumns[k]);
            order[k] = v.isNull(row) ? null : v instanceof TimeStampMilliVector ts ? ts.get(row) : VectorValues.get(v, row);
        }
        List<Candidate> top = p.top;
        int size = top.size();
        if (size >= factory.limit && factory.function != RankFunction.DENSE_RANK) {
            // After the last row (or tied with it, ROW_NUMBER): its rank would pass the limit.
            int c = compare(order, top.get(size - 1).order);
            if (c > 0 || (c == 0 && factory.function == RankFunction.ROW_NUMBER)) {
                return;
            }
        }
        int low = 0;
        int high = size;
        while (low < high) {  // the first row that ranks after this one
            int mid = (low + high) >>> 1;
            if (compare(top.get(mid).order, order) <= 0) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        scratch.reset();
        RowCodec.write(vectors, row, scratch);
        top.add(low, new Candidate(scratch.toByteArray(), order));
        p.changed = true;
        if (top.size() > factory.limit) {
            long[] ranks = ranks(top);
            int keep = 0;
            while (keep < top.size() && ranks[keep] <= factory.limit) {
                keep++;
            }
            top.subList(keep, top.size()).clear();
        }
    }

    /** The rank of each row of a sorted top. */
    private long[] ranks(List<Candidate> sorted) {
        long[] ranks = new long[sorted.size()];
        long rank = 0;
        long dense = 0;
        for (int i = 0; i < sorted.size(); i++) {
            boolean tie = i > 0 && compare(sorted.get(i - 1).order, sorted.get(i).order) == 0;
            if (!tie) {
                rank = i + 1;
                dense++;
            }
            ranks[i] = switch (factory.function) {
                case ROW_NUMBER -> i + 1;
                case RANK -> rank;
                case DENSE_RANK -> dense;
            };
        }
        return ranks;
    }

    /** The ORDER BY values of an encoded row (TIMESTAMPs as epoch milliseconds, as from the vectors). */
    private Object[] order(byte[] row) {
        Object[] order = new Object[orderColumns.length];
        int offset = 0;
        for (int c = 0; c < types.length; c++) {
            for (int k = 0; k < orderColumns.length; k++) {
                if (orderColumns[k] == c) {
                    order[k] = RowCodec.isNull(row, offset) ? null
                            : types[c] == ColumnType.TIMESTAMP ? RowCodec.readLong(row, offset) : RowCodec.value(row, offset, types[c]);
                }
            }
            offset = RowCodec.skip(row, offset, types[c]);
        }
        return order;
    }

    /** SQL's order by the sort keys ({@link RowOrdering}'s), over the ORDER BY values of two rows. */
    private int compare(Object[] a, Object[] b) {
        for (int k = 0; k < orderColumns.length; k++) {
            int c = RowOrdering.compare(factory.order.get(k), a[k], b[k]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /**
     * The ranked rows of {@code before} not in {@code after} are deletes, those of {@code after} not in
     * {@code before} inserts (a row and its rank, by value).
     */
    private static void diff(List<Candidate> before, long[] beforeRanks, List<Candidate> after, long[] afterRanks,
                             List<Candidate> deletes, List<Long> deleteRanks, List<Candidate> inserts,
                             List<Long> insertRanks) {
        Map<Ranked, Integer> counts = new HashMap<>();
        for (int i = 0; i < before.size(); i++) {
            counts.merge(new Ranked(new EncodedKey(before.get(i).row), beforeRanks[i]), 1, Integer::sum);
        }
        for (int i = 0; i < after.size(); i++) {
            if (counts.merge(new Ranked(new EncodedKey(after.get(i).row), afterRanks[i]), -1, Integer::sum) < 0) {
                inserts.add(after.get(i));
                insertRanks.add(afterRanks[i]);
            }
        }
        for (int i = 0; i < before.size(); i++) {
            Ranked r = new Ranked(new EncodedKey(before.get(i).row), beforeRanks[i]);
            Integer left = counts.get(r);
            if (left != null && left > 0) {
                deletes.add(before.get(i));
                deleteRanks.add(beforeRanks[i]);
                counts.put(r, left - 1);
            }
        }
    }

    /** A row of a top with its rank, compared by value. */
    private record Ranked(EncodedKey row, long rank) {
    }
}
