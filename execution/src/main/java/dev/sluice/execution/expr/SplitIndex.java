package dev.sluice.execution.expr;

import dev.sluice.execution.type.ColumnType;
import java.util.List;

/**
 * {@code SPLIT_INDEX(text, separator, index)}, as in Flink SQL: the {@code index}-th (0-based) part of {@code
 * text} split at every occurrence of {@code separator}, empty parts kept ({@code SPLIT_INDEX('a//b', '/', 1)}
 * is {@code ''}); NULL past the last part, for a negative index, and for empty text (which has no parts).
 * An empty separator splits at runs of whitespace, as Flink's (Apache Commons' {@code
 * splitByWholeSeparatorPreserveAllTokens}) does.
 */
public final class SplitIndex extends RowFunction {
    public SplitIndex(PhysicalExpr text, PhysicalExpr separator, PhysicalExpr index) {
        super("SPLIT_INDEX", ColumnType.VARCHAR, List.of(text, separator, index));
        TypeCoercion.require(text, ColumnType.VARCHAR, "SPLIT_INDEX");
        TypeCoercion.require(separator, ColumnType.VARCHAR, "SPLIT_INDEX");
        if (index.type() != ColumnType.INTEGER && index.type() != ColumnType.BIGINT) {
            throw new IllegalArgumentException("The index of SPLIT_INDEX must be an integer, got " + index.type()
                    + " (" + index + ")");
        }
    }

    @Override
    void compute(Operand[] args, int row, VectorWriter out) {
        long index = args[2].type() == ColumnType.INTEGER ? args[2].getInt(row) : args[2].getLong(row);
        String part = index < 0 ? null : part(args[0].getString(row), args[1].getString(row), index);
        if (part == null) {
            out.setNull(row);
        } else {
            out.setString(row, part);
        }
    }

    /** The {@code index}-th part, or null; scans only up to it. */
    static String part(String text, String separator, long index) {
        if (text.isEmpty()) {
            return null;
        }
        if (separator.isEmpty()) {
            return whitespacePart(text, index);
        }
        int start = 0;
        for (long i = 0; ; i++) {
            int end = text.indexOf(separator, start);
            if (i == index) {
                return end < 0 ? text.substring(start) : text.substring(start, end);
            }
            if (end < 0) {
                return null;
            }
            start = end + separator.length();
        }
    }

    /**
     * The part between single whitespace characters (consecutive ones giving empty parts), as Commons Lang's
     * {@code splitWorker} with a null separator and {@code preserveAllTokens} does.
     */
    private static String whitespacePart(String text, long index) {
        int start = 0;
        long part = 0;
        for (int i = 0; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i))) {
                if (part++ == index) {
                    return text.substring(start, i);
                }
                start = i + 1;
            }
        }
        return part == index ? text.substring(start) : null;
    }
}
