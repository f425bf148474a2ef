package dev.sluice.execution.operator;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.plan.SortKey;
import dev.sluice.execution.plan.TopNNode.RankFunction;
import dev.sluice.execution.state.ByteArrayReader;
import dev.sluice.execution.state.ByteArrayWriter;
import dev.sluice.execution.state.RowCodec;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMilliVector;

/**
 * The top rows of one partition, kept sorted, as the Top-N and window Top-N operators keep them: rows offered
 * straight from their vectors, encoded ({@link RowCodec}) only when they enter the top, ranked by
 * ROW_NUMBER, RANK or DENSE_RANK up to a limit. Ties keep the order rows came in. Also the state's encoding
 * of a top: the count of rows, then each row's length and encoding.
 */
final class RankedTop {
    /** A row in a top: its encoding (the input's columns) and its ORDER BY values. */
    static final class Candidate {
        final byte[] row;
        final Object[] order;

        Candidate(byte[] row, Object[] order) {
            this.row = row;
            this.order = order;
        }
    }

    private final ColumnType[] types;
    private final List<SortKey> order;
    private final int[] orderColumns;
    private final RankFunction function;
    private final long limit;
    private final ByteArrayWriter scratch = new ByteArrayWriter();

    RankedTop(RowSchema inputSchema, List<SortKey> order, RankFunction function, long limit) {
        this.types = RowCodec.types(requireNonNull(inputSchema, "inputSchema is null"));
        this.order = List.copyOf(order);
        this.orderColumns = order.stream().mapToInt(SortKey::column).toArray();
        this.function = requireNonNull(function, "function is null");
        this.limit = limit;
    }

    /** A top as the state keeps it: the count of rows, then each row's length and encoding. */
    static byte[] encode(List<Candidate> top) {
        ByteArrayWriter value = new ByteArrayWriter();
        value.writeVarInt(top.size());
        for (Candidate c : top) {
            value.writeVarInt(c.row.length).writeBytes(c.row);
        }
        return value.toByteArray();
    }

    /** The top {@link #encode} wrote, sorted as it was kept. */
    List<Candidate> decode(byte[] stored) {
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
     * Adds row {@code row} to {@code top} if it ranks within the limit: after every row that ranks before or
     * ties with it (ties keep the order rows came in), dropping the rows it pushes out.
     *
     * @return whether the row entered the top
     */
    boolean offer(List<Candidate> top, List<FieldVector> vectors, int row) {
        // The row is compared straight from its vectors: only a row that enters the top has its values boxed.
        int size = top.size();
        if (size >= limit && function != RankFunction.DENSE_RANK) {
            // After the last row (or tied with it, ROW_NUMBER): its rank would pass the limit.
            int c = compareRow(vectors, row, top.get(size - 1).order);
            if (c > 0 || (c == 0 && function == RankFunction.ROW_NUMBER)) {
                return false;
            }
        }
        int low = 0;
        int high = size;
        while (low < high) {  // the first row that ranks after this one
            int mid = (low + high) >>> 1;
            if (compareRow(vectors, row, top.get(mid).order) >= 0) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        Object[] values = new Object[orderColumns.length];
        for (int k = 0; k < orderColumns.length; k++) {
            FieldVector v = vectors.get(orderColumns[k]);
            values[k] = v.isNull(row) ? null : v instanceof TimeStampMilliVector ts ? ts.get(row) : VectorValues.get(v, row);
        }
        scratch.reset();
        RowCodec.write(vectors, row, scratch);
        top.add(low, new Candidate(scratch.toByteArray(), values));
        if (top.size() > limit) {
            long[] ranks = ranks(top);
            int keep = 0;
            while (keep < top.size() && ranks[keep] <= limit) {
                keep++;
            }
            top.subList(keep, top.size()).clear();
        }
        return true;
    }

    /** The rank of each row of a sorted top. */
    long[] ranks(List<Candidate> sorted) {
        long[] ranks = new long[sorted.size()];
        long rank = 0;
        long dense = 0;
        for (int i = 0; i < sorted.size(); i++) {
            boolean tie = i > 0 && compare(sorted.get(i - 1).order, sorted.get(i).order) == 0;
            if (!tie) {
                rank = i + 1;
                dense++;
            }
            ranks[i] = switch (function) {
                case ROW_NUMBER -> i + 1;
                case RANK -> rank;
                case DENSE_RANK -> dense;
            };
        }
        return ranks;
    }

    /** The ORDER BY values of an encoded row (TIMESTAMPs as epoch milliseconds, as from the vectors). */
    private Object[] order(byte[] row) {
        Object[] values = new Object[orderColumns.length];
        int offset = 0;
        for (int c = 0; c < types.length; c++) {
            for (int k = 0; k < orderColumns.length; k++) {
                if (orderColumns[k] == c) {
                    values[k] = RowCodec.isNull(row, offset) ? null
                            : types[c] == ColumnType.TIMESTAMP ? RowCodec.readLong(row, offset) : RowCodec.value(row, offset, types[c]);
                }
            }
            offset = RowCodec.skip(row, offset, types[c]);
        }
        return values;
    }

    /**
     * {@link #compare} of row {@code row} of {@code vectors} with ORDER BY values {@code other}, reading the row's
     * numbers and times from their vectors unboxed.
     */
    private int compareRow(List<FieldVector> vectors, int row, Object[] other) {
        for (int k = 0; k < orderColumns.length; k++) {
            FieldVector v = vectors.get(orderColumns[k]);
            SortKey key = order.get(k);
            Object y = other[k];
            boolean rowNull = v.isNull(row);
            if (rowNull || y == null) {
                if (rowNull != (y == null)) {
                    return rowNull == key.nullsFirst() ? -1 : 1;
                }
                continue;
            }
            int c;
            if (v instanceof BigIntVector longs) {
                c = Long.compare(longs.get(row), (Long) y);
            } else if (v instanceof TimeStampMilliVector times) {
                c = Long.compare(times.get(row), (Long) y);
            } else if (v instanceof IntVector ints) {
                c = Integer.compare(ints.get(row), (Integer) y);
            } else if (v instanceof Float8Vector doubles) {
                c = Double.compare(doubles.get(row), (Double) y);
            } else {
                c = RowOrdering.compare(key, VectorValues.get(v, row), y);
                if (c != 0) {
                    return c;
                }
                continue;
            }
            if (c != 0) {
                return key.descending() ? -c : c;
            }
        }
        return 0;
    }

    /** SQL's order by the sort keys ({@link RowOrdering}'s), over the ORDER BY values of two rows. */
    private int compare(Object[] a, Object[] b) {
        for (int k = 0; k < orderColumns.length; k++) {
            int c = RowOrdering.compare(order.get(k), a[k], b[k]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
