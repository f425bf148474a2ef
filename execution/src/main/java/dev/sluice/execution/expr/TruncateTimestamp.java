package dev.sluice.execution.expr;

import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.VectorValues;
import java.time.LocalDate;
import java.util.List;

/**
 * {@code FLOOR(timestamp TO unit)} and {@code CEIL(timestamp TO unit)}, in UTC, for YEAR, QUARTER, MONTH,
 * DAY, HOUR, MINUTE, SECOND and MILLISECOND. CEIL of a timestamp already on a boundary is itself.
 */
public final class TruncateTimestamp extends RowFunction {
    private static final long MILLIS_PER_DAY = 86_400_000L;

    private final DateTimeUnit unit;
    private final boolean ceil;

    public TruncateTimestamp(PhysicalExpr timestamp, DateTimeUnit unit, boolean ceil) {
        super(ceil ? "CEIL" : "FLOOR", ColumnType.TIMESTAMP, List.of(timestamp));
        this.unit = unit;
        this.ceil = ceil;
        TypeCoercion.require(timestamp, ColumnType.TIMESTAMP, name());
        if (!supports(unit)) {
            throw new IllegalArgumentException(name() + "(... TO " + unit.sqlName() + ") is not supported yet");
        }
    }

    /** Whether timestamps can be truncated to {@code unit}. */
    public static boolean supports(DateTimeUnit unit) {
        return switch (unit) {
            case YEAR, QUARTER, MONTH, DAY, HOUR, MINUTE, SECOND, MILLISECOND -> true;
            default -> false;
        };
    }

    @Override
    void compute(Operand[] args, int row, VectorWriter out) {
        long millis = args[0].getLong(row);
        long floor = floor(millis);
        out.setLong(row, ceil && floor != millis ? next(floor) : floor);
    }

    private long floor(long millis) {
        switch (unit) {
            case MILLISECOND:
                return millis;
            case SECOND:
                return Math.floorDiv(millis, 1_000L) * 1_000L;
            case MINUTE:
                return Math.floorDiv(millis, 60_000L) * 60_000L;
            case HOUR:
                return Math.floorDiv(millis, 3_600_000L) * 3_600_000L;
            case DAY:
                return Math.floorDiv(millis, MILLIS_PER_DAY) * MILLIS_PER_DAY;
            default:
                break;
        }
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(millis, MILLIS_PER_DAY));
        LocalDate start = switch (unit) {
            case YEAR -> date.withDayOfYear(1);
            case QUARTER -> LocalDate.of(date.getYear(), (date.getMonthValue() - 1) / 3 * 3 + 1, 1);
            default -> date.withDayOfMonth(1);
        };
        return start.toEpochDay() * MILLIS_PER_DAY;
    }

    /** The boundary after {@code floor}. */
    private long next(long floor) {
        return switch (unit) {
            case SECOND -> floor + 1_000L;
            case MINUTE -> floor + 60_000L;
            case HOUR -> floor + 3_600_000L;
            case DAY -> floor + MILLIS_PER_DAY;
            case YEAR -> VectorValues.toEpochMillis(VectorValues.toLocalDateTime(floor).plusYears(1));
            case QUARTER -> VectorValues.toEpochMillis(VectorValues.toLocalDateTime(floor).plusMonths(3));
            case MONTH -> VectorValues.toEpochMillis(VectorValues.toLocalDateTime(floor).plusMonths(1));
            default -> floor;
        };
    }

    @Override
    public String toString() {
        return name() + "(" + arguments().get(0) + " TO " + unit.sqlName() + ")";
    }
}
