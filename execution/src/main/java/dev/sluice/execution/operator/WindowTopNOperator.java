package dev.sluice.execution.operator;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.changelog.ChangelogMode;
import dev.sluice.execution.plan.WindowTopNNode;
import dev.sluice.execution.state.ByteArrayWriter;
import dev.sluice.execution.state.RowCodec;
import dev.sluice.execution.state.StateEntry;
import dev.sluice.execution.state.StateSpec;
import dev.sluice.execution.state.StateStore;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Runs a {@link WindowTopNNode}: the Top-N of each window (and partition key) of a window table function's rows,
 * emitted once, when the watermark passes the window's end (Flink's window Top-N and window deduplication).
 *
 * <p>Per batch: the batch's rows are merged into the top kept for their partition key (window included), which
 * never holds more than the rows of its first {@code limit} ranks (ties of RANK and DENSE_RANK included), ties in
 * arrival order (earlier rows first, which a re-run batch repeats); then every partition whose window the input
 * watermark has passed is ranked, emitted as inserts and removed from the state. Rows behind the watermark never
 * come (the tasks drop them as late), so an emitted window is final: the output is append-only, its watermark the
 * input's.
 *
 * <p>State ({@code state/window-topn}): key, the partition columns (window included); value, the rows of its top,
 * sorted. Only windows still open are kept. Input: inserts only. Rows are offered to their partition's top
 * straight from the input's vectors (as {@link TopNOperator} does); only rows that enter a top are encoded
 * ({@link RowCodec}, as the state keeps them), and the output is decoded from those bytes into its vectors.
 */
public final class WindowTopNOperator implements StreamOperator {
    /** What every batch's window Top-N shares. */
    public static final class Factory implements StreamOperator.Factory {
        private final WindowTopNNode node;
        private final RowSchema inputSchema;
        private final RowSchema keySchema;

        public Factory(WindowTopNNode node) {
            this.node = requireNonNull(node, "node is null");
            this.inputSchema = node.input().schema();
            this.keySchema = PartitionedRows.keySchema(inputSchema, node.partition());
        }

        @Override
        public RowSchema outputSchema() {
            return node.schema();
        }

        @Override
        public ChangelogMode changelogMode() {
            return ChangelogMode.APPEND;
        }

        /** Windows close by the watermark alone (a batch without input emits them), unless of processing time. */
        @Override
        public boolean usesWatermark() {
            return !node.processingTime();
        }

        @Override
        public Optional<StateSpec> state(String operatorId) {
            return Optional.of(new StateSpec(operatorId, keySchema, inputSchema));
        }

        @Override
        public String kind() {
            return "window-topn";
        }

        @Override
        public WindowTopNOperator create(OperatorContext context) {
            return new WindowTopNOperator(this, context);
        }

        @Override
        public String describe() {
            return node.describe() + ", emits each window's top once, when the watermark passes its end";
        }
    }

    /** A partition (window included) the batch touched: its top, as stored and then merged with the batch's rows. */
    private static final class Partition {
        final byte[] key;
        final List<RankedTop.Candidate> top;

        Partition(byte[] key, List<RankedTop.Candidate> top) {
            this.key = key;
            this.top = top;
        }
    }

    private final Factory factory;
    private final OperatorContext context;
    private final StateStore store;
    private final int[] partition;
    private final ColumnType[] keyTypes;
    private final RankedTop ranking;
    /** The partitions the batch's rows fell in, in the order they first came. */
    private final Map<EncodedKey, Partition> partitions = new LinkedHashMap<>();
    private final ByteArrayWriter scratch = new ByteArrayWriter();

    private WindowTopNOperator(Factory factory, OperatorContext context) {
        this.factory = factory;
        this.context = context;
        this.store = context.requireState();
        this.partition = factory.node.partition().stream().mapToInt(Integer::intValue).toArray();
        this.keyTypes = RowCodec.types(factory.keySchema);
        this.ranking = new RankedTop(factory.inputSchema, factory.node.order(), factory.node.function(),
                factory.node.limit());
    }

    /**
     * Offers each row of the batch to its partition's top, straight from the vectors: a row that can't enter
     * the top is compared and dropped; one that enters is encoded and kept there (a row pushed out of the top
     * can't come back: ranks only grow as rows come).
     */
    @Override
    public List<ChangeBatch> add(int input, ChangeBatch batch) {
        try (batch) {
            if (!batch.isInsertOnly()) {
                throw new IllegalStateException("A window Top-N got deleted rows; it is planned over inserts only");
            }
            VectorSchemaRoot root = batch.rows();
            List<FieldVector> vectors = root.getFieldVectors();
            for (int r = 0; r < root.getRowCount(); r++) {
                byte[] key = PartitionedRows.key(partition, root, r, scratch);
                Partition p = partitions.computeIfAbsent(new EncodedKey(key), k -> load(key));
                ranking.offer(p.top, vectors, r);
            }
        }
        return List.of();
    }

    @Override
    public List<ChangeBatch> finish() {
        for (Partition p : partitions.values()) {
            store.put(p.key, RankedTop.encode(p.top));
        }
        partitions.clear();
        // Over processing time, the batch's (logged) time is the watermark: later rows all get a later time.
        long watermark = factory.node.processingTime() ? context.batchTimestampMillis() : context.watermark();
        if (watermark == Long.MIN_VALUE) {
            return List.of();
        }
        // The windows the watermark has passed, in key order so that the output does not depend on hash order.
        List<StateEntry> closed = new ArrayList<>();
        int closeKey = factory.node.closeKey();
        for (Iterator<StateEntry> it = store.iterator(); it.hasNext(); ) {
            StateEntry entry = it.next();
            int at = RowCodec.skip(entry.key(), 0, keyTypes, 0, closeKey);
            if (!RowCodec.isNull(entry.key(), at)
                    && RowCodec.readLong(entry.key(), at) + factory.node.closeDelayMillis() <= watermark) {
                closed.add(entry);
            }
        }
        closed.sort((a, b) -> Arrays.compareUnsigned(a.key(), b.key()));
        try (ChangeBatchBuilder out = new ChangeBatchBuilder(factory.node.schema(), context.allocator())) {
            int rankColumn = factory.inputSchema.size();
            for (StateEntry entry : closed) {
                List<RankedTop.Candidate> top = ranking.decode(entry.value());
                long[] ranks = ranking.ranks(top);
                for (int i = 0; i < top.size(); i++) {
                    out.decode(0, rankColumn, top.get(i).row, 0);
                    out.setLong(rankColumn, ranks[i]);
                    out.endRow(1);
                }
                store.remove(entry.key());
            }
            return out.build(false);
        }
    }

    /** The partition of encoded key {@code key} with its top as the state keeps it. */
    private Partition load(byte[] key) {
        byte[] stored = store.get(key);
        return new Partition(key, stored == null ? new ArrayList<>() : ranking.decode(stored));
    }
}
