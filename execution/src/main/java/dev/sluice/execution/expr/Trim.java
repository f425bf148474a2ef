package dev.sluice.execution.expr;

import dev.sluice.execution.type.ColumnType;
import java.util.List;
import org.apache.arrow.memory.util.MemoryUtil;

/**
 * {@code TRIM([BOTH | LEADING | TRAILING] [characters] FROM s)}: removes from the chosen ends every
 * character that appears in {@code characters} (a space by default). A single ASCII character, the usual
 * case, is trimmed on the bytes.
 */
public final class Trim extends RowFunction {
    /** Which ends to trim. */
    public enum Side { BOTH, LEADING, TRAILING }

    private final Side side;

    public Trim(Side side, PhysicalExpr characters, PhysicalExpr string) {
        super("TRIM", ColumnType.VARCHAR, List.of(string, characters));
        this.side = side;
        TypeCoercion.require(string, ColumnType.VARCHAR, "TRIM");
        TypeCoercion.require(characters, ColumnType.VARCHAR, "TRIM");
    }

    /** {@code TRIM(BOTH ' ' FROM string)}. */
    public static Trim spaces(PhysicalExpr string) {
        return new Trim(Side.BOTH, Literal.of(" "), string);
    }

    @Override
    void compute(Operand[] args, int row, VectorWriter out) {
        Operand s = args[0];
        Operand chars = args[1];
        int charsStart = chars.start(row);
        if (chars.end(row) - charsStart == 1 && MemoryUtil.getByte(chars.bytesAddress() + charsStart) >= 0) {
            byte c = MemoryUtil.getByte(chars.bytesAddress() + charsStart);
            long address = s.bytesAddress();
            int start = s.start(row);
            int end = s.end(row);
            if (side != Side.TRAILING) {
                while (start < end && MemoryUtil.getByte(address + start) == c) {
                    start++;
                }
            }
            if (side != Side.LEADING) {
                while (end > start && MemoryUtil.getByte(address + end - 1) == c) {
                    end--;
                }
            }
            byte[] bytes = new byte[end - start];
            MemoryUtil.copyFromMemory(address + start, bytes, 0, bytes.length);
            out.setBytes(row, bytes);
            return;
        }
        String text = s.getString(row);
        String set = chars.getString(row);
        int start = 0;
        int end = text.length();
        if (side != Side.TRAILING) {
            while (start < end && set.indexOf(text.codePointAt(start)) >= 0) {
                start += Character.charCount(text.codePointAt(start));
            }
        }
        if (side != Side.LEADING) {
            while (end > start && set.indexOf(text.codePointBefore(end)) >= 0) {
                end -= Character.charCount(text.codePointBefore(end));
            }
        }
        out.setString(row, text.substring(start, end));
    }

    @Override
    public String toString() {
        return "TRIM(" + side + " " + arguments().get(1) + " FROM " + arguments().get(0) + ")";
    }
}
