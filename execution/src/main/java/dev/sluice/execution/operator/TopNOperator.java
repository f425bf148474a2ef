package dev.sluice.execution.operator;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.changelog.ChangelogMode;
import dev.sluice.execution.plan.SortKey;
import dev.sluice.execution.plan.TopNNode.RankFunction;
import dev.sluice.execution.state.ByteArrayWriter;
import dev.sluice.execution.state.RowCodec;
import dev.sluice.execution.state.StateSpec;
import dev.sluice.execution.state.StateStore;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.vector.FieldVector;
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

    /** A partition the batch touched: its top as stored (or empty) and as the batch's rows made it. */
    private static final class Partition {
        final byte[] key;
        final List<RankedTop.Candidate> before;
        final List<RankedTop.Candidate> top;
        boolean changed;

        Partition(byte[] key, List<RankedTop.Candidate> before) {
            this.key = key;
            this.before = before;
            this.top = new ArrayList<>(before);
        }
    }

    private final Factory factory;
    private final OperatorContext context;
    private final Optional<StateStore> store;
    private final int[] partition;
    private final RankedTop ranking;
    /** The partitions the batch's rows fell in, in the order they first came. */
    private final Map<EncodedKey, Partition> partitions = new LinkedHashMap<>();
    private final ByteArrayWriter scratch = new ByteArrayWriter();

    private TopNOperator(Factory factory, OperatorContext context) {
        this.factory = factory;
        this.context = context;
        this.store = factory.once ? Optional.empty() : Optional.of(context.requireState());
        this.partition = factory.partition.stream().mapToInt(Integer::intValue).toArray();
        this.ranking = new RankedTop(factory.inputSchema, factory.order, factory.function, factory.limit);
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
                p.changed |= ranking.offer(p.top, vectors, r);
            }
        }
        return List.of();
    }

    @Override
    public List<ChangeBatch> finish() {
        List<RankedTop.Candidate> deleted = new ArrayList<>();
        List<Long> deletedRanks = new ArrayList<>();
        List<RankedTop.Candidate> inserted = new ArrayList<>();
        List<Long> insertedRanks = new ArrayList<>();
        for (Partition p : partitions.values()) {
            if (!p.changed) {
                continue;
            }
            diff(p.before, ranking.ranks(p.before), p.top, ranking.ranks(p.top), deleted, deletedRanks, inserted, insertedRanks);
            if (store.isPresent()) {
                store.get().put(p.key, RankedTop.encode(p.top));
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
        return new Partition(key, stored == null ? List.of() : ranking.decode(stored));
    }

    /**
     * The ranked rows of {@code before} not in {@code after} are deletes, those of {@code after} not in
     * {@code before} inserts (a row and its rank, by value).
     */
    private static void diff(List<RankedTop.Candidate> before, long[] beforeRanks, List<RankedTop.Candidate> after, long[] afterRanks,
                             List<RankedTop.Candidate> deletes, List<Long> deleteRanks, List<RankedTop.Candidate> inserts,
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
