package dev.sluice.execution.expr;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.VectorValues;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * {@code CAST(operand AS type)} between Sluice's six types (except BOOLEAN and TIMESTAMP, which don't
 * convert into each other). NULL stays NULL.
 *
 * <ul>
 *   <li>Numbers: widening is exact; narrowing checks the range; DOUBLE to an integer type truncates toward
 *       zero; numbers to BOOLEAN are "not zero"; BOOLEAN to numbers is 1 or 0.</li>
 *   <li>TIMESTAMP and numbers: epoch milliseconds (UTC).</li>
 *   <li>To VARCHAR: {@code TRUE}/{@code FALSE}, Java's number text, timestamps as
 *       {@code yyyy-MM-dd HH:mm:ss.SSS}.</li>
 *   <li>From VARCHAR (surrounding blanks ignored): integers in decimal, any Java double text,
 *       {@code true}/{@code false} in any case, timestamps as {@code yyyy-MM-dd[ HH:mm[:ss[.fraction]]]}
 *       (or with a {@code T}); anything else throws {@link ExpressionException} naming the value and the
 *       target type.</li>
 * </ul>
 */
public final class Cast implements CompositeExpr {
    private final PhysicalExpr operand;
    private final ColumnType target;

    public Cast(PhysicalExpr operand, ColumnType target) {
        this.operand = requireNonNull(operand, "operand is null");
        this.target = requireNonNull(target, "target is null");
        ColumnType source = operand.type();
        if ((source == ColumnType.BOOLEAN && target == ColumnType.TIMESTAMP)
                || (source == ColumnType.TIMESTAMP && target == ColumnType.BOOLEAN)) {
            throw new IllegalArgumentException("Cannot cast " + source + " to " + target + " in " + this);
        }
    }

    /** {@code operand} converted to {@code target}: itself if already of that type, folded if a literal. */
    public static PhysicalExpr of(PhysicalExpr operand, ColumnType target) {
        if (operand.type() == target) {
            return operand;
        }
        Cast cast = new Cast(operand, target);
        return operand instanceof Literal ? ConstantFolding.fold(cast) : cast;
    }

    public PhysicalExpr operand() {
        return operand;
    }

    @Override
    public ColumnType type() {
        return target;
    }

    @Override
    public List<PhysicalExpr> children() {
        return List.of(operand);
    }

    @Override
    public FieldVector evaluate(VectorSchemaRoot batch, BufferAllocator allocator) {
        int rows = batch.getRowCount();
        ColumnType source = operand.type();
        try (Operand in = Operand.of(operand, batch, allocator);
             VectorWriter out = VectorWriter.allocate(target, rows, allocator)) {
            if (source == target) {
                copy(in, out, rows);
            } else if (!widen(in, out, rows)) {
                for (int i = 0; i < rows; i++) {
                    if (!in.isNull(i)) {
                        convert(in, i, out);
                    }
                }
            }
            return out.finish();
        }
    }

    private static void copy(Operand in, VectorWriter out, int rows) {
        for (int i = 0; i < rows; i++) {
            out.copy(i, in, i);
        }
    }

    /** Tight loops for the conversions that can't fail; false if this isn't one. */
    private boolean widen(Operand in, VectorWriter out, int rows) {
        ColumnType source = operand.type();
        long data = out.dataAddress();
        if (source == ColumnType.INTEGER && (target == ColumnType.BIGINT || target == ColumnType.TIMESTAMP)) {
            for (int i = 0; i < rows; i++) {
                MemoryUtil.putLong(data + ((long) i << 3), in.getInt(i));
            }
        } else if (source == ColumnType.INTEGER && target == ColumnType.DOUBLE) {
            for (int i = 0; i < rows; i++) {
                MemoryUtil.putLong(data + ((long) i << 3), Double.doubleToRawLongBits(in.getInt(i)));
            }
        } else if ((source == ColumnType.BIGINT || source == ColumnType.TIMESTAMP) && target == ColumnType.DOUBLE) {
            for (int i = 0; i < rows; i++) {
                MemoryUtil.putLong(data + ((long) i << 3), Double.doubleToRawLongBits(in.getLong(i)));
            }
        } else if ((source == ColumnType.BIGINT && target == ColumnType.TIMESTAMP)
                || (source == ColumnType.TIMESTAMP && target == ColumnType.BIGINT)) {
            for (int i = 0; i < rows; i++) {
                MemoryUtil.putLong(data + ((long) i << 3), in.getLong(i));
            }
        } else {
            return false;
        }
        out.copyValidity(in);
        return true;
    }

    private void convert(Operand in, int row, VectorWriter out) {
        switch (target) {
            case BOOLEAN -> out.setBoolean(row, toBoolean(in, row));
            case INTEGER -> out.setInt(row, toInt(in, row));
            case BIGINT -> out.setLong(row, toLong(in, row));
            case DOUBLE -> out.setDouble(row, toDouble(in, row));
            case VARCHAR -> out.setString(row, toVarchar(in, row));
            case TIMESTAMP -> out.setLong(row, toTimestamp(in, row));
            default -> throw new IllegalStateException("unexpected type " + target);
        }
    }

    private boolean toBoolean(Operand in, int row) {
        return switch (operand.type()) {
            case INTEGER -> in.getInt(row) != 0;
            case BIGINT -> in.getLong(row) != 0;
            case DOUBLE -> in.getDouble(row) != 0;
            case VARCHAR -> {
                String text = in.getString(row).strip().toLowerCase(Locale.ROOT);
                if (text.equals("true")) {
                    yield true;
                }
                if (text.equals("false")) {
                    yield false;
                }
                throw cannotCast(in, row);
            }
            default -> throw new IllegalStateException("unexpected cast " + this);
        };
    }

    private int toInt(Operand in, int row) {
        long value = switch (operand.type()) {
            case BOOLEAN -> in.getBoolean(row) ? 1 : 0;
            case BIGINT, TIMESTAMP -> in.getLong(row);
            case DOUBLE -> doubleToLong(in, row);
            case VARCHAR -> parseLong(in, row);
            default -> throw new IllegalStateException("unexpected cast " + this);
        };
        if (value != (int) value) {
            throw outOfRange(in, row);
        }
        return (int) value;
    }

    private long toLong(Operand in, int row) {
        return switch (operand.type()) {
            case BOOLEAN -> in.getBoolean(row) ? 1 : 0;
            case INTEGER -> in.getInt(row);
            case TIMESTAMP -> in.getLong(row);
            case DOUBLE -> doubleToLong(in, row);
            case VARCHAR -> parseLong(in, row);
            default -> throw new IllegalStateException("unexpected cast " + this);
        };
    }

    private double toDouble(Operand in, int row) {
        return switch (operand.type()) {
            case BOOLEAN -> in.getBoolean(row) ? 1 : 0;
            case INTEGER -> in.getInt(row);
            case BIGINT, TIMESTAMP -> in.getLong(row);
            case VARCHAR -> {
                try {
                    yield Double.parseDouble(in.getString(row).strip());
                } catch (NumberFormatException e) {
                    throw cannotCast(in, row);
                }
            }
            default -> throw new IllegalStateException("unexpected cast " + this);
        };
    }

    private String toVarchar(Operand in, int row) {
        return switch (operand.type()) {
            case BOOLEAN -> in.getBoolean(row) ? "TRUE" : "FALSE";
            case INTEGER -> Integer.toString(in.getInt(row));
            case BIGINT -> Long.toString(in.getLong(row));
            case DOUBLE -> Double.toString(in.getDouble(row));
            case TIMESTAMP -> VectorValues.format(VectorValues.toLocalDateTime(in.getLong(row)));
            default -> throw new IllegalStateException("unexpected cast " + this);
        };
    }

    private long toTimestamp(Operand in, int row) {
        return switch (operand.type()) {
            case INTEGER -> in.getInt(row);
            case BIGINT -> in.getLong(row);
            case DOUBLE -> doubleToLong(in, row);
            case VARCHAR -> parseTimestamp(in, row);
            default -> throw new IllegalStateException("unexpected cast " + this);
        };
    }

    private long doubleToLong(Operand in, int row) {
        double value = in.getDouble(row);
        // The range test is false for NaN too.
        if (!(value >= -0x1p63 && value < 0x1p63)) {
            throw outOfRange(in, row);
        }
        return (long) value;
    }

    /** Parses an optionally signed decimal integer between blanks, straight from the UTF-8 bytes. */
    private long parseLong(Operand in, int row) {
        long address = in.bytesAddress();
        int i = in.start(row);
        int end = in.end(row);
        while (i < end && isBlank(MemoryUtil.getByte(address + i))) {
            i++;
        }
        while (end > i && isBlank(MemoryUtil.getByte(address + end - 1))) {
            end--;
        }
        boolean negative = false;
        if (i < end && (MemoryUtil.getByte(address + i) == '-' || MemoryUtil.getByte(address + i) == '+')) {
            negative = MemoryUtil.getByte(address + i) == '-';
            i++;
        }
        if (i == end) {
            throw cannotCast(in, row);
        }
        // Accumulate negatively, as Long.parseLong does, so Long.MIN_VALUE parses.
        long value = 0;
        for (; i < end; i++) {
            int digit = MemoryUtil.getByte(address + i) - '0';
            if (digit < 0 || digit > 9) {
                throw cannotCast(in, row);
            }
            if (value < Long.MIN_VALUE / 10 || value * 10 < Long.MIN_VALUE + digit) {
                throw outOfRange(in, row);
            }
            value = value * 10 - digit;
        }
        if (!negative) {
            if (value == Long.MIN_VALUE) {
                throw outOfRange(in, row);
            }
            value = -value;
        }
        return value;
    }

    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    /** {@code yyyy-MM-dd[( |T)HH:mm[:ss[.fraction]]]}, fraction truncated to milliseconds. */
    private long parseTimestamp(Operand in, int row) {
        String text = in.getString(row).strip();
        try {
            int length = text.length();
            if (length < 10 || text.charAt(4) != '-' || text.charAt(7) != '-') {
                throw cannotCast(in, row);
            }
            int year = digits(text, 0, 4);
            int month = digits(text, 5, 7);
            int day = digits(text, 8, 10);
            int hour = 0;
            int minute = 0;
            int second = 0;
            int nanos = 0;
            int i = 10;
            if (i < length) {
                char separator = text.charAt(i);
                if ((separator != ' ' && separator != 'T') || length < 16 || text.charAt(13) != ':') {
                    throw cannotCast(in, row);
                }
                hour = digits(text, 11, 13);
                minute = digits(text, 14, 16);
                i = 16;
                if (i < length) {
                    if (text.charAt(i) != ':' || length < 19) {
                        throw cannotCast(in, row);
                    }
                    second = digits(text, 17, 19);
                    i = 19;
                    if (i < length) {
                        if (text.charAt(i) != '.' || length == 20 || length > 29) {
                            throw cannotCast(in, row);
                        }
                        String fraction = (text.substring(20) + "000000000").substring(0, 9);
                        nanos = digits(fraction, 0, 9);
                    }
                }
            }
            return VectorValues.toEpochMillis(LocalDateTime.of(year, month, day, hour, minute, second, nanos));
        } catch (NumberFormatException | DateTimeException e) {
            throw cannotCast(in, row);
        }
    }

    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new NumberFormatException(text);
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private ExpressionException cannotCast(Operand in, int row) {
        return new ExpressionException("Cannot cast " + display(in, row) + " to " + target + " in " + this);
    }

    private ExpressionException outOfRange(Operand in, int row) {
        return new ExpressionException("Cannot cast " + display(in, row) + " to " + target + ": out of range, in " + this);
    }

    private String display(Operand in, int row) {
        return switch (operand.type()) {
            case VARCHAR -> "'" + in.getString(row) + "'";
            case BIGINT, TIMESTAMP -> Long.toString(in.getLong(row));
            case DOUBLE -> Double.toString(in.getDouble(row));
            default -> operand.type() + " value";
        };
    }

    @Override
    public String toString() {
        return "CAST(" + operand + " AS " + target + ")";
    }
}
