package dev.sluice.execution.operator;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.changelog.ChangelogMode;
import dev.sluice.execution.plan.SortKey;
import dev.sluice.execution.type.RowSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * ORDER BY ... [OFFSET ...] [LIMIT ...] of a bounded query: takes every row of its one batch, sorts them
 * (stably: equal rows keep their input order, which is deterministic) and emits the rows asked for, in
 * order, as one batch. Keeps no state (nothing in a checkpoint); needs all its input, so it only runs in a
 * bounded query; takes inserts only.
 *
 * <p>Rows stay in their Arrow batches: the operator keeps its input batches and sorts references to their rows,
 * comparing values straight from the vectors ({@link VectorRowOrdering}), then copies the rows asked for into
 * the output. With a LIMIT, what it keeps is bounded by about twice {@code OFFSET + LIMIT} rows (and the batch
 * being added): once the kept rows pass that, the first {@code OFFSET + LIMIT} of them are copied into one
 * batch and the rest dropped, and from then on a row of a new batch that does not sort before the last of
 * those is dropped after one comparison, as Top-N drops rows that can't enter its top.
 */
public final class SortOperator implements StreamOperator {
    /** Kept rows below which the operator does not narrow them down to the first {@code OFFSET + LIMIT}. */
    static final int MIN_ROWS_TO_NARROW = 4096;
    /** Runs of at most this many rows are sorted by insertion before merging. */
    private static final int INSERTION_RUN = 32;

    /** A sort of rows of {@code schema} by {@code keys}, keeping rows {@code offset} to {@code offset + fetch}. */
    public record Factory(RowSchema outputSchema, List<SortKey> keys, long offset, long fetch, String description)
            implements StreamOperator.Factory {
        public Factory {
            requireNonNull(outputSchema, "outputSchema is null");
            keys = List.copyOf(keys);
            requireNonNull(description, "description is null");
            if (offset < 0 || fetch < 0) {
                throw new IllegalArgumentException("A sort's offset and fetch can't be negative: " + offset + ", " + fetch);
            }
        }

        @Override
        public ChangelogMode changelogMode() {
            return ChangelogMode.APPEND;
        }

        @Override
        public SortOperator create(OperatorContext context) {
            return new SortOperator(this, context);
        }

        @Override
        public String describe() {
            return description;
        }
    }

    private final Factory factory;
    private final OperatorContext context;
    private final VectorRowOrdering ordering;
    /** How many rows of the sorted input are emitted or skipped: {@code offset + fetch}, at most Long.MAX_VALUE. */
    private final long wanted;
    /** The batches kept, in input order, and their key columns. */
    private final List<VectorSchemaRoot> batches = new ArrayList<>();
    private final List<FieldVector[]> keyColumns = new ArrayList<>();
    private final List<FieldVector[]> allColumns = new ArrayList<>();
    /** Per kept batch, its rows that may still be emitted, in order; null for all of them. */
    private final List<int[]> candidates = new ArrayList<>();
    /** The rows of the kept batches, all of them (the memory held), and those that may be emitted. */
    private long heldRows;
    private long candidateRows;
    /**
     * The last of the first {@link #wanted} rows, once they were narrowed down to exactly that many: a row that
     * does not sort before it can't be emitted. Row {@link #boundRow} of key columns {@link #bound}; null before.
     */
    private FieldVector[] bound;
    private int boundRow;

    private SortOperator(Factory factory, OperatorContext context) {
        this.factory = factory;
        this.context = requireNonNull(context, "context is null");
        this.ordering = new VectorRowOrdering(factory.outputSchema, factory.keys);
        this.wanted = factory.fetch > Long.MAX_VALUE - factory.offset ? Long.MAX_VALUE : factory.offset + factory.fetch;
    }

    @Override
    public List<ChangeBatch> add(int input, ChangeBatch batch) {
        if (!batch.isInsertOnly()) {
            batch.close();
            throw new IllegalStateException("ORDER BY got deleted rows: it sorts a bounded query's rows only");
        }
        VectorSchemaRoot rows = batch.rows();
        batch.weights().ifPresent(IntVector::close);  // all +1
        int count = rows.getRowCount();
        if (count == 0 || wanted == 0) {
            rows.close();
            return List.of();
        }
        FieldVector[] columns;
        int[] selected = null;
        try {
            columns = ordering.keyColumns(rows);
            ordering.admit(columns, count);
            if (bound != null) {
                selected = beforeBound(columns, count);
            }
        } catch (RuntimeException | Error e) {
            rows.close();
            throw e;
        }
        if (selected != null && selected.length == 0) {
            rows.close();
            return List.of();
        }
        keep(rows, columns, selected);
        if (heldRows - wanted >= Math.max(wanted, MIN_ROWS_TO_NARROW)) {
            narrow();
        }
        return List.of();
    }

    /** The rows of a batch that sort before {@link #bound} (a row tied with it comes later, so after it). */
    private int[] beforeBound(FieldVector[] columns, int count) {
        int[] selected = new int[count];
        int n = 0;
        for (int row = 0; row < count; row++) {
            if (ordering.compare(columns, row, bound, boundRow) < 0) {
                selected[n++] = row;
            }
        }
        return n == count ? null : Arrays.copyOf(selected, n);
    }

    private void keep(VectorSchemaRoot rows, FieldVector[] columns, int[] selected) {
        batches.add(rows);
        keyColumns.add(columns);
        allColumns.add(rows.getFieldVectors().toArray(FieldVector[]::new));
        candidates.add(selected);
        heldRows += rows.getRowCount();
        candidateRows += selected == null ? rows.getRowCount() : selected.length;
    }

    /** Keeps only the first {@link #wanted} rows, copied into one batch, as they sort. */
    private void narrow() {
        long[] sorted = sortedRows();
        int count = (int) Math.min(wanted, sorted.length);
        VectorSchemaRoot first = copy(sorted, 0, count);
        release();
        FieldVector[] columns = ordering.keyColumns(first);
        keep(first, columns, null);
        if (count == wanted) {
            bound = columns;
            boundRow = count - 1;
        }
    }

    @Override
    public List<ChangeBatch> finish() {
        long[] sorted = sortedRows();
        int from = (int) Math.min(factory.offset, sorted.length);
        int to = (int) Math.min(wanted, sorted.length);
        if (from >= to) {
            release();
            return List.of();
        }
        VectorSchemaRoot out = copy(sorted, from, to);
        release();
        return List.of(ChangeBatch.inserts(out));
    }

    /**
     * The kept rows that may be emitted, sorted stably: each a reference to row {@code (int) ref} of kept batch
     * {@code ref >>> 32}, listed in input order before sorting (batches as kept, rows in order).
     */
    private long[] sortedRows() {
        if (candidateRows > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("ORDER BY of " + candidateRows + " rows: can't sort more than "
                    + (Integer.MAX_VALUE - 8) + " rows in one query; add a LIMIT");
        }
        int n = (int) candidateRows;
        long[] refs = new long[n];
        long[] prefixes = new long[n];
        int i = 0;
        for (int b = 0; b < batches.size(); b++) {
            long batch = (long) b << 32;
            FieldVector[] columns = keyColumns.get(b);
            int[] selected = candidates.get(b);
            for (int r = 0, count = selected == null ? batches.get(b).getRowCount() : selected.length; r < count; r++) {
                int row = selected == null ? r : selected[r];
                refs[i] = batch | row;
                prefixes[i++] = ordering.prefix(columns, row);
            }
        }
        sort(refs, prefixes);
        return refs;
    }

    /** The order of two rows, by their first key's {@link VectorRowOrdering#prefix prefixes} when they differ. */
    private int compare(long ref, long prefix, long otherRef, long otherPrefix) {
        if (prefix != otherPrefix) {
            return prefix < otherPrefix ? -1 : 1;
        }
        return ordering.compare(keyColumns.get((int) (ref >>> 32)), (int) ref, keyColumns.get((int) (otherRef >>> 32)),
                (int) otherRef);
    }

    /**
     * A stable sort of row references and their prefixes (merge sort over runs sorted by insertion): ties keep
     * their order.
     */
    private void sort(long[] refs, long[] prefixes) {
        int n = refs.length;
        for (int low = 0; low < n; low += INSERTION_RUN) {
            int high = Math.min(low + INSERTION_RUN, n);
            for (int i = low + 1; i < high; i++) {
                long ref = refs[i];
                long prefix = prefixes[i];
                int j = i - 1;
                while (j >= low && compare(refs[j], prefixes[j], ref, prefix) > 0) {
                    refs[j + 1] = refs[j];
                    prefixes[j + 1] = prefixes[j];
                    j--;
                }
                refs[j + 1] = ref;
                prefixes[j + 1] = prefix;
            }
        }
        if (n <= INSERTION_RUN) {
            return;
        }
        long[] from = refs;
        long[] fromPrefixes = prefixes;
        long[] to = new long[n];
        long[] toPrefixes = new long[n];
        for (long width = INSERTION_RUN; width < n; width *= 2) {
            for (long low = 0; low < n; low += 2 * width) {
                int start = (int) low;
                int middle = (int) Math.min(low + width, n);
                int end = (int) Math.min(low + 2 * width, n);
                if (middle == end || compare(from[middle - 1], fromPrefixes[middle - 1], from[middle], fromPrefixes[middle]) <= 0) {
                    System.arraycopy(from, start, to, start, end - start);  // already in order
                    System.arraycopy(fromPrefixes, start, toPrefixes, start, end - start);
                    continue;
                }
                int i = start;
                int j = middle;
                for (int k = start; k < end; k++) {
                    if (j >= end || (i < middle && compare(from[i], fromPrefixes[i], from[j], fromPrefixes[j]) <= 0)) {
                        toPrefixes[k] = fromPrefixes[i];
                        to[k] = from[i++];
                    } else {
                        toPrefixes[k] = fromPrefixes[j];
                        to[k] = from[j++];
                    }
                }
            }
            long[] swap = from;
            from = to;
            to = swap;
            swap = fromPrefixes;
            fromPrefixes = toPrefixes;
            toPrefixes = swap;
        }
        if (from != refs) {
            System.arraycopy(from, 0, refs, 0, n);
        }
    }

    /** Rows {@code [from, to)} of {@code sorted} copied into a new batch (not empty) the caller owns. */
    private VectorSchemaRoot copy(long[] sorted, int from, int to) {
        try (ChangeBatchBuilder out = new ChangeBatchBuilder(factory.outputSchema, context.allocator(), Integer.MAX_VALUE)) {
            for (int i = from; i < to; i++) {
                long ref = sorted[i];
                FieldVector[] columns = allColumns.get((int) (ref >>> 32));
                for (int c = 0; c < columns.length; c++) {
                    out.copy(c, columns[c], (int) ref);
                }
                out.endRow(1);
            }
            return out.buildRows();
        }
    }

    /** Frees every kept batch. */
    private void release() {
        batches.forEach(VectorSchemaRoot::close);
        batches.clear();
        keyColumns.clear();
        allColumns.clear();
        candidates.clear();
        heldRows = 0;
        candidateRows = 0;
        bound = null;
    }

    @Override
    public void close() {
        release();
    }
}
