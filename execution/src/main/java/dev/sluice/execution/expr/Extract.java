package dev.sluice.execution.expr;

import dev.sluice.execution.type.ColumnType;
import java.time.LocalDate;
import java.time.temporal.IsoFields;
import java.util.List;

/**
 * {@code EXTRACT(unit FROM timestamp)} as BIGINT, in UTC: YEAR, QUARTER (1-4), MONTH (1-12), WEEK (ISO
 * week), DAY (of month), DOW (1 = Sunday ... 7 = Saturday), DOY (1-366), HOUR, MINUTE, SECOND (0-59),
 * MILLISECOND (0-59999: seconds included, as in Calcite and PostgreSQL), EPOCH (seconds since 1970).
 */
public final class Extract extends RowFunction {
    private static final long MILLIS_PER_DAY = 86_400_000L;

    private final DateTimeUnit unit;

    public Extract(DateTimeUnit unit, PhysicalExpr timestamp) {
        super("EXTRACT", ColumnType.BIGINT, List.of(timestamp));
        this.unit = unit;
        TypeCoercion.require(timestamp, ColumnType.TIMESTAMP, "EXTRACT");
    }

    @Override
    void compute(Operand[] args, int row, VectorWriter out) {
        out.setLong(row, extract(unit, args[0].getLong(row)));
    }

    static long extract(DateTimeUnit unit, long millis) {
        long millisOfDay = Math.floorMod(millis, MILLIS_PER_DAY);
        switch (unit) {
            case HOUR:
                return millisOfDay / 3_600_000;
            case MINUTE:
                return millisOfDay / 60_000 % 60;
            case SECOND:
                return millisOfDay / 1_000 % 60;
            case MILLISECOND:
                return millisOfDay % 60_000;
            case EPOCH:
                return Math.floorDiv(millis, 1_000);
            default:
                break;
        }
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(millis, MILLIS_PER_DAY));
        return switch (unit) {
            case YEAR -> date.getYear();
            case QUARTER -> (date.getMonthValue() + 2) / 3;
            case MONTH -> date.getMonthValue();
            case WEEK -> date.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
            case DAY -> date.getDayOfMonth();
            case DAY_OF_WEEK -> date.getDayOfWeek().getValue() % 7 + 1;
            case DAY_OF_YEAR -> date.getDayOfYear();
            default -> throw new IllegalStateException("unexpected unit " + unit);
        };
    }

    @Override
    public String toString() {
        return "EXTRACT(" + unit.sqlName() + " FROM " + arguments().get(0) + ")";
    }
}
