package dev.sluice.execution.expr;

import dev.sluice.execution.type.ColumnType;
import java.util.List;
import org.apache.arrow.memory.util.MemoryUtil;

/**
 * {@code SUBSTRING(s FROM start [FOR length])} with SQL semantics: positions count characters from 1; the
 * result is the characters at positions [start, start + length) that exist, so a start before 1 shortens
 * the result; a negative length throws {@link ExpressionException}.
 */
public final class Substring extends RowFunction {
    private final boolean hasLength;

    /** {@code length} may be null (to the end of the string). */
    public Substring(PhysicalExpr string, PhysicalExpr start, PhysicalExpr length) {
        super("SUBSTRING", ColumnType.VARCHAR, length == null
                ? List.of(string, Cast.of(start, ColumnType.BIGINT))
                : List.of(string, Cast.of(start, ColumnType.BIGINT), Cast.of(length, ColumnType.BIGINT)));
        TypeCoercion.require(string, ColumnType.VARCHAR, "SUBSTRING");
        TypeCoercion.requireNumeric(start, "SUBSTRING");
        if (length != null) {
            TypeCoercion.requireNumeric(length, "SUBSTRING");
        }
        this.hasLength = length != null;
    }

    @Override
    void compute(Operand[] args, int row, VectorWriter out) {
        Operand s = args[0];
        long from = s.bytesAddress() + s.start(row);
        int bytes = s.end(row) - s.start(row);
        long start = args[1].getLong(row);
        long end = Long.MAX_VALUE;
        if (hasLength) {
            long length = args[2].getLong(row);
            if (length < 0) {
                throw new ExpressionException("negative substring length " + length + " in " + this);
            }
            end = start + length < start ? Long.MAX_VALUE : start + length;
        }
        // Character positions [start, end), 1-based, clipped to the string.
        int first = Utf8.byteOffsetOfCodePoint(from, bytes, Math.max(start, 1) - 1);
        int last = end == Long.MAX_VALUE ? bytes : Utf8.byteOffsetOfCodePoint(from, bytes, Math.max(end, 1) - 1);
        int length = Math.max(last - first, 0);
        byte[] result = new byte[length];
        MemoryUtil.copyFromMemory(from + first, result, 0, length);
        out.setBytes(row, result);
    }

    @Override
    public String toString() {
        List<PhysicalExpr> args = arguments();
        return "SUBSTRING(" + args.get(0) + " FROM " + args.get(1) + (hasLength ? " FOR " + args.get(2) : "") + ")";
    }
}
