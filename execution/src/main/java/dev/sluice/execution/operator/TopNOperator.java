package dev.sluice.execution.operator;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.changelog.ChangelogMode;
import dev.sluice.execution.plan.SortKey;
import dev.sluice.execution.plan.TopNNode.RankFunction;
import dev.sluice.execution.state.RowCodec;
import dev.sluice.execution.state.StateSpec;
import dev.sluice.execution.state.StateStore;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.vector.IntVector;
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
 * Input: inserts only (a Top-N over updating rows comes later).
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

    private final Factory factory;
    private final OperatorContext context;
    /** The batch's rows per partition key, in arrival order. */
    private final PartitionedRows newRows;

    private TopNOperator(Factory factory, OperatorContext context) {
        this.factory = factory;
        this.context = context;
        this.newRows = new PartitionedRows(factory.partition, "A Top-N");
        if (!factory.once) {
            context.requireState();
        }
    }

    @Override
    public List<ChangeBatch> add(int input, ChangeBatch batch) {
        newRows.add(batch);
        return List.of();
    }

    @Override
    public List<ChangeBatch> finish() {
        List<List<Object>> inserts = new ArrayList<>();
        List<List<Object>> deletes = new ArrayList<>();
        for (Map.Entry<List<Object>, List<List<Object>>> e : newRows.byKey().entrySet()) {
            if (factory.once) {
                inserts.addAll(top(e.getValue()));
                continue;
            }
            StateStore store = context.requireState();
            byte[] key = RowCodec.encode(e.getKey(), factory.keySchema);
            byte[] stored = store.get(key);
            List<List<Object>> before = stored == null ? List.of() : RowCodec.decodeRows(stored, factory.inputSchema);
            List<List<Object>> candidates = new ArrayList<>(before);
            candidates.addAll(e.getValue());  // after the kept rows: ties keep arrival order
            List<List<Object>> after = top(candidates);
            diff(ranked(before), after, deletes, inserts);
            List<List<Object>> kept = new ArrayList<>(after.size());
            after.forEach(r -> kept.add(r.subList(0, r.size() - 1)));
            store.put(key, RowCodec.encodeRows(kept, factory.inputSchema));
        }
        newRows.clear();
        if (inserts.isEmpty() && deletes.isEmpty()) {
            return List.of();
        }
        if (factory.once || factory.keepsFirst) {
            if (!deletes.isEmpty()) {
                throw new IllegalStateException("A keep-first Top-N replaced a partition's first row");
            }
            return List.of(ChangeBatch.inserts(VectorValues.toBatch(factory.outputSchema, inserts, context.allocator())));
        }
        List<List<Object>> rows = new ArrayList<>(deletes);
        rows.addAll(inserts);
        VectorSchemaRoot batch = VectorValues.toBatch(factory.outputSchema, rows, context.allocator());
        IntVector weights = new IntVector("$weight", context.allocator());
        weights.allocateNew(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            weights.set(i, i < deletes.size() ? -1 : 1);
        }
        weights.setValueCount(rows.size());
        return List.of(ChangeBatch.of(batch, weights));
    }

    /** The rows of the top, ranked: each row with its rank appended, at most the ranks up to the limit. */
    private List<List<Object>> top(List<List<Object>> rows) {
        List<List<Object>> sorted = new ArrayList<>(rows);
        sorted.sort(new RowOrdering(factory.order));  // stable
        List<List<Object>> ranked = ranked(sorted);
        List<List<Object>> kept = new ArrayList<>();
        for (List<Object> r : ranked) {
            if ((Long) r.get(r.size() - 1) > factory.limit) {
                break;
            }
            kept.add(r);
        }
        return kept;
    }

    /** The sorted rows, each with its rank appended. */
    private List<List<Object>> ranked(List<List<Object>> sorted) {
        RowOrdering ordering = new RowOrdering(factory.order);
        List<List<Object>> out = new ArrayList<>(sorted.size());
        long rank = 0;
        long dense = 0;
        for (int i = 0; i < sorted.size(); i++) {
            boolean tie = i > 0 && ordering.compare(sorted.get(i - 1), sorted.get(i)) == 0;
            if (!tie) {
                rank = i + 1;
                dense++;
            }
            List<Object> r = new ArrayList<>(sorted.get(i));
            r.add(switch (factory.function) {
                case ROW_NUMBER -> (long) i + 1;
                case RANK -> rank;
                case DENSE_RANK -> dense;
            });
            out.add(r);
        }
        return out;
    }

    /** The ranked rows of {@code before} not in {@code after} are deletes, those of {@code after} not in {@code before} inserts. */
    private static void diff(List<List<Object>> before, List<List<Object>> after, List<List<Object>> deletes,
                             List<List<Object>> inserts) {
        Map<List<Object>, Integer> counts = new HashMap<>();
        before.forEach(r -> counts.merge(r, 1, Integer::sum));
        for (List<Object> r : after) {
            if (counts.merge(r, -1, Integer::sum) < 0) {
                inserts.add(r);
            }
        }
        for (List<Object> r : before) {
            Integer left = counts.get(r);
            if (left != null && left > 0) {
                deletes.add(r);
                counts.put(r, left - 1);
            }
        }
    }
}
