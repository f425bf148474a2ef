package dev.sluice.execution.expr;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.ColumnType;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * {@code DATE_FORMAT(timestamp, format)}, as in Flink SQL: the timestamp as text in {@code format}, a {@link
 * DateTimeFormatter} pattern such as {@code 'yyyy-MM-dd HH:mm'} (the letters of Flink's and Java's
 * SimpleDateFormat patterns), in UTC (Sluice's TIMESTAMP is an instant in UTC). Over text, as Flink's {@code
 * DATE_FORMAT(string, format)}: the text is read as {@code yyyy-MM-dd[ HH:mm[:ss[.fraction]]]} first, and
 * text that does not parse gives NULL.
 *
 * <p>The format is a constant, checked when the query is planned: an invalid one (or one that can't format
 * a date-time, such as {@code 'yyyy-MM-dd VV'} of a zone id) fails construction with {@link
 * IllegalArgumentException} naming the function and the format.
 */
public final class DateFormat extends RowFunction {
    private final String format;
    private final DateTimeFormatter formatter;
    private final boolean text;

    public DateFormat(PhysicalExpr value, String format) {
        super("DATE_FORMAT", ColumnType.VARCHAR, List.of(value));
        this.format = requireNonNull(format, "format is null");
        if (value.type() != ColumnType.TIMESTAMP && value.type() != ColumnType.VARCHAR) {
            throw new IllegalArgumentException("DATE_FORMAT requires a TIMESTAMP or VARCHAR, got " + value.type()
                    + " (" + value + ")");
        }
        this.text = value.type() == ColumnType.VARCHAR;
        try {
            this.formatter = DateTimeFormatter.ofPattern(format).withZone(ZoneOffset.UTC);
            formatter.format(Instant.EPOCH);  // a pattern valid to parse may still be unable to format
        } catch (IllegalArgumentException | DateTimeException e) {
            throw new IllegalArgumentException("Invalid date-time format '" + format + "' in DATE_FORMAT: "
                    + e.getMessage(), e);
        }
    }

    @Override
    void compute(Operand[] args, int row, VectorWriter out) {
        long millis;
        if (text) {
            Long parsed = ParseTimestamp.parseDefault(args[0].getString(row));
            if (parsed == null) {
                out.setNull(row);
                return;
            }
            millis = parsed;
        } else {
            millis = args[0].getLong(row);
        }
        out.setString(row, formatter.format(Instant.ofEpochMilli(millis)));
    }

    @Override
    public String toString() {
        return "DATE_FORMAT(" + arguments().get(0) + ", " + new Literal(format, ColumnType.VARCHAR) + ")";
    }
}
