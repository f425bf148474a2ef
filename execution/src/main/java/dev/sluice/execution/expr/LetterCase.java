package dev.sluice.execution.expr;

import dev.sluice.execution.type.ColumnType;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.memory.util.MemoryUtil;

/**
 * {@code UPPER(s)}, {@code LOWER(s)} and {@code INITCAP(s)} (first letter of each word upper case, the rest
 * lower case; words are runs of letters and digits). Locale-independent; ASCII text is converted on its
 * bytes without decoding.
 */
public final class LetterCase extends RowFunction {
    /** Which conversion. */
    public enum Mode { UPPER, LOWER, INITCAP }

    private final Mode mode;

    public LetterCase(Mode mode, PhysicalExpr operand) {
        super(mode.name(), ColumnType.VARCHAR, List.of(operand));
        this.mode = mode;
        TypeCoercion.require(operand, ColumnType.VARCHAR, mode.name());
    }

    @Override
    void compute(Operand[] args, int row, VectorWriter out) {
        Operand in = args[0];
        int start = in.start(row);
        int length = in.end(row) - start;
        long address = in.bytesAddress() + start;
        if (Utf8.isAscii(address, length)) {
            byte[] bytes = new byte[length];
            boolean wordStart = true;
            for (int i = 0; i < length; i++) {
                byte b = MemoryUtil.getByte(address + i);
                boolean upper = mode == Mode.UPPER || (mode == Mode.INITCAP && wordStart);
                if (upper && b >= 'a' && b <= 'z') {
                    b -= 32;
                } else if (!upper && b >= 'A' && b <= 'Z') {
                    b += 32;
                }
                wordStart = !((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9'));
                bytes[i] = b;
            }
            out.setBytes(row, bytes);
            return;
        }
        String text = in.getString(row);
        out.setString(row, switch (mode) {
            case UPPER -> text.toUpperCase(Locale.ROOT);
            case LOWER -> text.toLowerCase(Locale.ROOT);
            case INITCAP -> initcap(text);
        });
    }

    private static String initcap(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        boolean wordStart = true;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            sb.appendCodePoint(wordStart ? Character.toTitleCase(c) : Character.toLowerCase(c));
            wordStart = !Character.isLetterOrDigit(c);
            i += Character.charCount(c);
        }
        return sb.toString();
    }
}
