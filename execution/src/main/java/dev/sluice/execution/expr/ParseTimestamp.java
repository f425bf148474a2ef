package dev.sluice.execution.expr;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.VectorValues;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.List;
import java.util.Optional;

/**
 * {@code TO_TIMESTAMP(text [, format])}, as in Flink SQL: the date-time {@code text} as a TIMESTAMP (UTC by
 * convention), NULL if it does not parse (Flink's behaviour; a CAST would fail the query instead). Without a
 * format: {@code yyyy-MM-dd[( |T)HH:mm[:ss[.fraction]]]}; with one: a {@link DateTimeFormatter} pattern such
 * as {@code 'yyyy/MM/dd HH:mm:ss'} (the letters of Flink's and Java's SimpleDateFormat patterns); a pattern
 * without a time of day gives midnight.
 */
public final class ParseTimestamp extends RowFunction {
    private static final DateTimeFormatter DEFAULT = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd")
            .optionalStart().appendLiteral(' ').appendPattern("HH:mm")
            .optionalStart().appendLiteral(':').appendPattern("ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true)
            .optionalEnd().optionalEnd().optionalEnd()
            .toFormatter().withResolverStyle(ResolverStyle.STRICT);

    private final Optional<String> pattern;
    private final DateTimeFormatter formatter;

    /**
     * @throws IllegalArgumentException if {@code pattern} is not a valid date-time pattern, naming it
     */
    public ParseTimestamp(PhysicalExpr text, Optional<String> pattern) {
        super("TO_TIMESTAMP", ColumnType.TIMESTAMP, List.of(text));
        TypeCoercion.require(text, ColumnType.VARCHAR, "TO_TIMESTAMP");
        this.pattern = requireNonNull(pattern, "pattern is null");
        try {
            this.formatter = pattern.map(DateTimeFormatter::ofPattern).orElse(DEFAULT);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid date-time format '" + pattern.get() + "' in TO_TIMESTAMP: "
                    + e.getMessage(), e);
        }
    }

    @Override
    void compute(Operand[] args, int row, VectorWriter out) {
        String text = args[0].getString(row).strip();
        if (pattern.isEmpty() && text.length() > 10 && text.charAt(10) == 'T') {
            text = text.substring(0, 10) + ' ' + text.substring(11);
        }
        Long millis = parse(formatter, text);
        if (millis == null) {
            out.setNull(row);  // as Flink: text that does not parse is NULL
        } else {
            out.setLong(row, millis);
        }
    }

    /**
     * {@code text} in the default format ({@code yyyy-MM-dd[( |T)HH:mm[:ss[.fraction]]]}) as epoch
     * milliseconds, or null if it does not parse.
     */
    static Long parseDefault(String text) {
        String stripped = text.strip();
        if (stripped.length() > 10 && stripped.charAt(10) == 'T') {
            stripped = stripped.substring(0, 10) + ' ' + stripped.substring(11);
        }
        return parse(DEFAULT, stripped);
    }

    private static Long parse(DateTimeFormatter formatter, String text) {
        try {
            TemporalAccessor parsed = formatter.parseBest(text, LocalDateTime::from, LocalDate::from);
            LocalDateTime value = parsed instanceof LocalDate date ? date.atStartOfDay() : (LocalDateTime) parsed;
            return VectorValues.toEpochMillis(value);
        } catch (DateTimeException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "TO_TIMESTAMP(" + arguments().get(0) + pattern.map(p -> ", '" + p + "'").orElse("") + ")";
    }
}
