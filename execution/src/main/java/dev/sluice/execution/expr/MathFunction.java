package dev.sluice.execution.expr;

import dev.sluice.execution.type.ColumnType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * Numeric functions. ABS, SIGN, ROUND, FLOOR and CEIL keep their argument's type (an INTEGER result out of
 * range throws, as for {@link Arithmetic}); POWER, SQRT, LN, LOG10 and EXP compute in DOUBLE and follow
 * IEEE (e.g. {@code SQRT(-1)} is NaN). ROUND rounds halves away from zero, to {@code digits} decimal places
 * (negative: to tens, hundreds...).
 */
public final class MathFunction extends RowFunction {
    /** The function, with the number of arguments it takes. */
    public enum Kind {
        ABS(1), SIGN(1), ROUND(2), FLOOR(1), CEIL(1), POWER(2), SQRT(1), LN(1), LOG10(1), EXP(1);

        private final int maxArguments;

        Kind(int maxArguments) {
            this.maxArguments = maxArguments;
        }

        boolean keepsType() {
            return this == ABS || this == SIGN || this == ROUND || this == FLOOR || this == CEIL;
        }
    }

    private static final long[] POWERS_OF_TEN = new long[19];

    static {
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
        }
    }

    private final Kind kind;

    public MathFunction(Kind kind, List<PhysicalExpr> arguments) {
        super(kind.name(), resultType(kind, arguments), coerce(kind, arguments));
        this.kind = kind;
    }

    public static MathFunction of(Kind kind, PhysicalExpr... arguments) {
        return new MathFunction(kind, List.of(arguments));
    }

    private static ColumnType resultType(Kind kind, List<PhysicalExpr> arguments) {
        int min = kind == Kind.POWER ? 2 : 1;
        if (arguments.size() < min || arguments.size() > kind.maxArguments) {
            throw new IllegalArgumentException(kind + " takes " + (min == kind.maxArguments ? min : min + " or " + kind.maxArguments)
                    + " arguments, got " + arguments.size());
        }
        for (PhysicalExpr argument : arguments) {
            TypeCoercion.requireNumeric(argument, kind.name());
        }
        return kind.keepsType() ? arguments.get(0).type() : ColumnType.DOUBLE;
    }

    private static List<PhysicalExpr> coerce(Kind kind, List<PhysicalExpr> arguments) {
        if (kind == Kind.ROUND) {
            return arguments.size() == 1 ? arguments : List.of(arguments.get(0), Cast.of(arguments.get(1), ColumnType.INTEGER));
        }
        return kind.keepsType() ? arguments : TypeCoercion.coerce(arguments, ColumnType.DOUBLE);
    }

    @Override
    void compute(Operand[] args, int row, VectorWriter out) {
        Operand x = args[0];
        switch (type()) {
            case INTEGER -> {
                long value = integer(x.getInt(row), args, row);
                if (value != (int) value) {
                    throw overflow(x.getInt(row));
                }
                out.setInt(row, (int) value);
            }
            case BIGINT -> out.setLong(row, integer(x.getLong(row), args, row));
            default -> out.setDouble(row, real(x.getDouble(row), args, row));
        }
    }

    private long integer(long x, Operand[] args, int row) {
        switch (kind) {
            case ABS -> {
                if (x == Long.MIN_VALUE) {
                    throw overflow(x);
                }
                return Math.abs(x);
            }
            case SIGN -> {
                return Long.signum(x);
            }
            case ROUND -> {
                int digits = args.length > 1 ? args[1].getInt(row) : 0;
                if (digits >= 0) {
                    return x;
                }
                if (-digits >= POWERS_OF_TEN.length) {
                    return 0;
                }
                long unit = POWERS_OF_TEN[-digits];
                long down = x / unit * unit;
                long rest = Math.abs(x - down);
                if (rest * 2 < unit) {
                    return down;
                }
                try {
                    return Math.addExact(down, x < 0 ? -unit : unit);
                } catch (ArithmeticException e) {
                    throw overflow(x);
                }
            }
            default -> {
                return x;
            }
        }
    }

    private double real(double x, Operand[] args, int row) {
        return switch (kind) {
            case ABS -> Math.abs(x);
            case SIGN -> Math.signum(x);
            case ROUND -> round(x, args.length > 1 ? args[1].getInt(row) : 0);
            case FLOOR -> Math.floor(x);
            case CEIL -> Math.ceil(x);
            case POWER -> Math.pow(x, args[1].getDouble(row));
            case SQRT -> Math.sqrt(x);
            case LN -> Math.log(x);
            case LOG10 -> Math.log10(x);
            case EXP -> Math.exp(x);
        };
    }

    private static double round(double x, int digits) {
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            return x;
        }
        if (digits == 0) {
            double magnitude = Math.abs(x);
            double floor = Math.floor(magnitude);
            return Math.copySign(magnitude - floor >= 0.5 ? floor + 1 : floor, x);
        }
        // Decimal rounding of the shortest decimal text of x, so ROUND(1.005, 2) is 1.01 as written.
        return BigDecimal.valueOf(x).setScale(digits, RoundingMode.HALF_UP).doubleValue();
    }

    private ExpressionException overflow(long x) {
        return new ExpressionException("integer overflow in " + this + " for " + x + ": the result does not fit in " + type());
    }
}
