package dev.sluice.execution.operator;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.changelog.ChangelogMode;
import dev.sluice.execution.plan.SortKey;
import dev.sluice.execution.plan.TopNNode.RankFunction;
import dev.sluice.execution.plan.WindowTopNNode;
import dev.sluice.execution.state.ByteArrayReader;
import dev.sluice.execution.state.ByteArrayWriter;
import dev.sluice.execution.state.RowCodec;
import dev.sluice.execution.state.StateEntry;
import dev.sluice.execution.state.StateSpec;
import dev.sluice.execution.state.StateStore;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampMilliVector;
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

    /** A row in a top: its encoding ({@link RowCodec}, the input's columns) and its ORDER BY values. */
    private static final class Candidate {
        final byte[] row;
        final Object[] order;

        Candidate(byte[] row, Object[] order) {
            this.row = row;
            this.order = order;
        }
    }

    /** A partition (window included) the batch touched: its top, as stored and then merged with the batch's rows. */
    private static final class Partition {
        final byte[] key;
        final List<Candidate> top;

        Partition(byte[] key, List<Candidate> top) {
            this.key = key;
            this.top = top;
        }
    }

    private final Factory factory;
    private final OperatorContext context;
    private final StateStore store;
    private final int[] partition;
    private final ColumnType[] types;
    private final ColumnType[] keyTypes;
    private final int[] orderColumns;
    /** The partitions the batch's rows fell in, in the order they first came. */
    private final Map<EncodedKey, Partition> partitions = new LinkedHashMap<>();
    private final ByteArrayWriter scratch = new ByteArrayWriter();

    private WindowTopNOperator(Factory factory, OperatorContext context) {
        this.factory = factory;
        this.context = context;
        this.store = context.requireState();
        this.partition = factory.node.partition().stream().mapToInt(Integer::intValue).toArray();
        this.types = RowCodec.types(factory.inputSchema);
        this.keyTypes = RowCodec.types(factory.keySchema);
        this.orderColumns = factory.node.order().stream().mapToInt(SortKey::column).toArray();
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
                offer(p, vectors, r);
            }
        }
        return List.of();
    }

    @Override
    public List<ChangeBatch> finish() {
        for (Partition p : partitions.values()) {
            store.put(p.key, encode(p.top));
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
                List<Candidate> top = decode(entry.value());
                long[] ranks = ranks(top);
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
        return new Partition(key, stored == null ? new ArrayList<>() : decode(stored));
    }

    /** A top as the state keeps it: the count of rows, then each row's length and encoding. */
    private static byte[] encode(List<Candidate> top) {
        ByteArrayWriter value = new ByteArrayWriter();
        value.writeVarInt(top.size());
        for (Candidate c : top) {
            value.writeVarInt(c.row.length).writeBytes(c.row);
        }
        return value.toByteArray();
    }

    /** The top {@link #encode} wrote, sorted as it was kept. */
    private List<Candidate> decode(byte[] stored) {
        ByteArrayReader in = new ByteArrayReader(stored);
        int count = in.readVarInt();
        List<Candidate> top = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] row = in.readBytes(in.readVarInt());
            top.add(new Candidate(row, order(row)));
        }
        return top;
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
        long limit = factory.node.limit();
        if (size >= limit && factory.node.function() != RankFunction.DENSE_RANK) {
            // After the last row (or tied with it, ROW_NUMBER): its rank would pass the limit.
            int c = compare(order, top.get(size - 1).order);
            if (c > 0 || (c == 0 && factory.node.function() == RankFunction.ROW_NUMBER)) {
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
        if (top.size() > limit) {
            long[] ranks = ranks(top);
            int keep = 0;
            while (keep < top.size() && ranks[keep] <= limit) {
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
            ranks[i] = switch (factory.node.function()) {
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
            int c = RowOrdering.compare(factory.node.order().get(k), a[k], b[k]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
