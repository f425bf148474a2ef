package dev.sluice.execution.expr;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.ColumnType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Whether a value falls in a constant set of points and ranges: SQL's {@code IN (...)}, {@code BETWEEN},
 * {@code NOT IN} and their combinations (Calcite's {@code SEARCH(x, Sarg[...])}), over any type (FALSE &lt;
 * TRUE). The ranges are sorted and binary-searched, so long IN lists stay cheap.
 *
 * <p>A NULL operand gives NULL, or TRUE/FALSE as {@link NullAs} says (e.g. {@code x IN (1, 2) OR x IS NULL}
 * is one search with NULL as TRUE).
 */
public final class Search implements CompositeExpr {
    /** The result for a NULL operand. */
    public enum NullAs { UNKNOWN, TRUE, FALSE }

    /**
     * A range of values of the operand's type (see {@link Literal} for the Java classes); a null bound is
     * unbounded. A point is a range whose bounds are equal and inclusive.
     */
    public record Range(Object lower, boolean lowerInclusive, Object upper, boolean upperInclusive) {
        public static Range point(Object value) {
            return new Range(requireNonNull(value, "value is null"), true, value, true);
        }

        public static Range closed(Object lower, Object upper) {
            return new Range(requireNonNull(lower, "lower is null"), true, requireNonNull(upper, "upper is null"), true);
        }

        boolean isPoint() {
            return lower != null && lowerInclusive && upperInclusive && lower.equals(upper);
        }
    }

    private final PhysicalExpr operand;
    private final List<Range> ranges;
    private final NullAs nullAs;
    private final RangeSet set;
    /** Maps a NULL operand as {@link #nullAs} says, a match to TRUE, else FALSE. */
    private final TruthTable nullHandling;

    /** Ranges may come in any order but must not overlap; their values are normalised like a Literal's. */
    public Search(PhysicalExpr operand, List<Range> ranges, NullAs nullAs) {
        this.operand = requireNonNull(operand, "operand is null");
        this.nullAs = requireNonNull(nullAs, "nullAs is null");
        this.nullHandling = new TruthTable(switch (nullAs) {
            case UNKNOWN -> TruthTable.Value.NULL;
            case TRUE -> TruthTable.Value.TRUE;
            case FALSE -> TruthTable.Value.FALSE;
        }, TruthTable.Value.TRUE, TruthTable.Value.FALSE);
        ColumnType type = operand.type();
        List<Range> normalized = new ArrayList<>();
        for (Range r : ranges) {
            normalized.add(new Range(normalize(r.lower(), type), r.lowerInclusive(), normalize(r.upper(), type),
                    r.upperInclusive()));
        }
        Comparator<Object> values = valueOrder(type);
        normalized.sort((a, b) -> a.lower() == null ? (b.lower() == null ? 0 : -1)
                : b.lower() == null ? 1 : values.compare(a.lower(), b.lower()));
        for (int i = 1; i < normalized.size(); i++) {
            Range previous = normalized.get(i - 1);
            Range current = normalized.get(i);
            int order = previous.upper() == null || current.lower() == null ? 1
                    : values.compare(previous.upper(), current.lower());
            if (order > 0 || (order == 0 && previous.upperInclusive() && current.lowerInclusive())) {
                throw new IllegalArgumentException("ranges of a SEARCH overlap: " + previous + " and " + current);
            }
        }
        this.ranges = List.copyOf(normalized);
        this.set = switch (type) {
            case DOUBLE -> new DoubleRanges(this.ranges);
            case VARCHAR -> new VarcharRanges(this.ranges);
            default -> new LongRanges(this.ranges);
        };
    }

    /** {@code operand IN (values)}. */
    public static Search in(PhysicalExpr operand, List<?> values) {
        return new Search(operand, values.stream().distinct().map(Range::point).toList(), NullAs.UNKNOWN);
    }

    /** {@code operand BETWEEN lower AND upper}. */
    public static Search between(PhysicalExpr operand, Object lower, Object upper) {
        return new Search(operand, List.of(Range.closed(lower, upper)), NullAs.UNKNOWN);
    }

    private static Object normalize(Object value, ColumnType type) {
        return value == null ? null : new Literal(value, type).value();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Comparator<Object> valueOrder(ColumnType type) {
        if (type == ColumnType.VARCHAR) {
            return Comparator.comparing(v -> ((String) v).getBytes(StandardCharsets.UTF_8), java.util.Arrays::compareUnsigned);
        }
        return (a, b) -> ((Comparable) a).compareTo(b);
    }

    public List<Range> ranges() {
        return ranges;
    }

    public NullAs nullAs() {
        return nullAs;
    }

    @Override
    public ColumnType type() {
        return ColumnType.BOOLEAN;
    }

    @Override
    public List<PhysicalExpr> children() {
        return List.of(operand);
    }

    @Override
    public FieldVector evaluate(VectorSchemaRoot batch, BufferAllocator allocator) {
        int rows = batch.getRowCount();
        try (Operand in = Operand.of(operand, batch, allocator);
             VectorWriter out = VectorWriter.allocate(ColumnType.BOOLEAN, rows, allocator)) {
            for (int w = 0, words = Bits.words(rows); w < words; w++) {
                int base = w << 6;
                int end = Math.min(64, rows - base);
                long word = 0;
                switch (operand.type()) {
                    case DOUBLE -> {
                        DoubleRanges doubles = (DoubleRanges) set;
                        for (int j = 0; j < end; j++) {
                            word |= doubles.contains(in.getDouble(base + j)) ? 1L << j : 0;
                        }
                    }
                    case VARCHAR -> {
                        VarcharRanges strings = (VarcharRanges) set;
                        long bytes = in.bytesAddress();
                        for (int j = 0; j < end; j++) {
                            int start = in.start(base + j);
                            word |= strings.contains(bytes + start, in.end(base + j) - start) ? 1L << j : 0;
                        }
                    }
                    case INTEGER -> {
                        LongRanges longs = (LongRanges) set;
                        for (int j = 0; j < end; j++) {
                            word |= longs.contains(in.getInt(base + j)) ? 1L << j : 0;
                        }
                    }
                    case BOOLEAN -> {
                        LongRanges longs = (LongRanges) set;
                        for (int j = 0; j < end; j++) {
                            word |= longs.contains(in.getBoolean(base + j) ? 1 : 0) ? 1L << j : 0;
                        }
                    }
                    default -> {
                        LongRanges longs = (LongRanges) set;
                        for (int j = 0; j < end; j++) {
                            word |= longs.contains(in.getLong(base + j)) ? 1L << j : 0;
                        }
                    }
                }
                nullHandling.write(out, w, in.validityWord(w, rows), word, rows);
            }
            return out.finish();
        }
    }

    /** The ranges in a form each type's kernel can binary-search. */
    private sealed interface RangeSet permits LongRanges, DoubleRanges, VarcharRanges {
    }

    /** INTEGER, BIGINT, TIMESTAMP and BOOLEAN (0, 1): closed ranges [low, high] (open bounds moved by one). */
    private static final class LongRanges implements RangeSet {
        private final long[] low;
        private final long[] high;

        LongRanges(List<Range> ranges) {
            List<long[]> closed = new ArrayList<>();
            for (Range r : ranges) {
                long lo = r.lower() == null ? Long.MIN_VALUE : toLong(r.lower());
                long hi = r.upper() == null ? Long.MAX_VALUE : toLong(r.upper());
                if (r.lower() != null && !r.lowerInclusive()) {
                    if (lo == Long.MAX_VALUE) {
                        continue;
                    }
                    lo++;
                }
                if (r.upper() != null && !r.upperInclusive()) {
                    if (hi == Long.MIN_VALUE) {
                        continue;
                    }
                    hi--;
                }
                if (lo <= hi) {
                    closed.add(new long[] {lo, hi});
                }
            }
            low = closed.stream().mapToLong(c -> c[0]).toArray();
            high = closed.stream().mapToLong(c -> c[1]).toArray();
        }

        private static long toLong(Object value) {
            return value instanceof Boolean b ? (b ? 1 : 0) : ((Number) value).longValue();
        }

        boolean contains(long value) {
            int lo = 0;
            int hi = low.length - 1;
            // Find the last range starting at or before value.
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (low[mid] <= value) {
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            return hi >= 0 && value <= high[hi];
        }
    }

    private static final class DoubleRanges implements RangeSet {
        private final Range[] ranges;

        DoubleRanges(List<Range> ranges) {
            this.ranges = ranges.toArray(new Range[0]);
        }

        boolean contains(double value) {
            int lo = 0;
            int hi = ranges.length - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                Object lower = ranges[mid].lower();
                if (lower == null || (Double) lower <= value) {
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            if (hi < 0) {
                return false;
            }
            Range r = ranges[hi];
            if (r.lower() != null && !r.lowerInclusive() && (Double) r.lower() == value) {
                return false;
            }
            if (r.upper() == null) {
                return true;
            }
            double upper = (Double) r.upper();
            return r.upperInclusive() ? value <= upper : value < upper;
        }
    }

    private static final class VarcharRanges implements RangeSet {
        private final byte[][] lower;
        private final byte[][] upper;
        private final boolean[] lowerInclusive;
        private final boolean[] upperInclusive;

        VarcharRanges(List<Range> ranges) {
            int n = ranges.size();
            lower = new byte[n][];
            upper = new byte[n][];
            lowerInclusive = new boolean[n];
            upperInclusive = new boolean[n];
            for (int i = 0; i < n; i++) {
                Range r = ranges.get(i);
                lower[i] = r.lower() == null ? null : ((String) r.lower()).getBytes(StandardCharsets.UTF_8);
                upper[i] = r.upper() == null ? null : ((String) r.upper()).getBytes(StandardCharsets.UTF_8);
                lowerInclusive[i] = r.lowerInclusive();
                upperInclusive[i] = r.upperInclusive();
            }
        }

        boolean contains(long address, int length) {
            int lo = 0;
            int hi = lower.length - 1;
            int lowerOrder = 0;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                // Order of the value against this range's lower bound.
                int order = lower[mid] == null ? 1 : Utf8.compare(address, length, lower[mid]);
                if (order >= 0) {
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            if (hi < 0) {
                return false;
            }
            if (lower[hi] != null) {
                lowerOrder = Utf8.compare(address, length, lower[hi]);
                if (lowerOrder == 0 && !lowerInclusive[hi]) {
                    return false;
                }
            }
            if (upper[hi] == null) {
                return true;
            }
            int upperOrder = Utf8.compare(address, length, upper[hi]);
            return upperOrder < 0 || (upperOrder == 0 && upperInclusive[hi]);
        }
    }

    @Override
    public String toString() {
        List<String> terms = new ArrayList<>();
        List<String> points = new ArrayList<>();
        ColumnType type = operand.type();
        for (Range r : ranges) {
            if (r.isPoint()) {
                points.add(new Literal(r.lower(), type).toString());
            } else if (r.lower() != null && r.upper() != null && r.lowerInclusive() && r.upperInclusive()) {
                terms.add(operand + " BETWEEN " + new Literal(r.lower(), type) + " AND " + new Literal(r.upper(), type));
            } else {
                List<String> bounds = new ArrayList<>();
                if (r.lower() != null) {
                    bounds.add(operand + (r.lowerInclusive() ? " >= " : " > ") + new Literal(r.lower(), type));
                }
                if (r.upper() != null) {
                    bounds.add(operand + (r.upperInclusive() ? " <= " : " < ") + new Literal(r.upper(), type));
                }
                terms.add(bounds.isEmpty() ? operand + " IS NOT NULL" : String.join(" AND ", bounds));
            }
        }
        if (points.size() == 1) {
            terms.add(0, operand + " = " + points.get(0));
        } else if (!points.isEmpty()) {
            terms.add(0, operand + " IN (" + String.join(", ", points) + ")");
        }
        if (terms.isEmpty()) {
            terms.add("FALSE");
        }
        String text = String.join(" OR ", terms);
        return switch (nullAs) {
            case UNKNOWN -> "(" + text + ")";
            case TRUE -> "(" + text + " OR " + operand + " IS NULL)";
            case FALSE -> "((" + text + ") IS TRUE)";
        };
    }
}
