package dev.sluice.execution.expr;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.VectorValues;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A constant, possibly NULL. {@code value} is a Boolean, Integer, Long, Double or String for BOOLEAN,
 * INTEGER, BIGINT, DOUBLE and VARCHAR, and a Long of epoch milliseconds (UTC) for TIMESTAMP; the
 * constructor also accepts other Numbers that fit, and a {@link LocalDateTime} for TIMESTAMP.
 *
 * <p>Kernels read literal arguments without materialising them; {@link #evaluate} (a literal projected
 * as a column) fills a vector with the value.
 */
public record Literal(Object value, ColumnType type) implements PhysicalExpr {
    public Literal {
        requireNonNull(type, "type is null");
        value = normalize(value, type);
    }

    public static Literal of(boolean value) {
        return new Literal(value, ColumnType.BOOLEAN);
    }

    public static Literal of(int value) {
        return new Literal(value, ColumnType.INTEGER);
    }

    public static Literal of(long value) {
        return new Literal(value, ColumnType.BIGINT);
    }

    public static Literal of(double value) {
        return new Literal(value, ColumnType.DOUBLE);
    }

    public static Literal of(String value) {
        return new Literal(requireNonNull(value, "value is null"), ColumnType.VARCHAR);
    }

    public static Literal timestamp(long epochMillis) {
        return new Literal(epochMillis, ColumnType.TIMESTAMP);
    }

    public static Literal nullOf(ColumnType type) {
        return new Literal(null, type);
    }

    public boolean isNull() {
        return value == null;
    }

    private static Object normalize(Object value, ColumnType type) {
        if (value == null) {
            return null;
        }
        switch (type) {
            case BOOLEAN:
                if (value instanceof Boolean) {
                    return value;
                }
                break;
            case INTEGER:
                if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
                    return ((Number) value).intValue();
                }
                if (value instanceof Long l && l == l.intValue()) {
                    return l.intValue();
                }
                break;
            case BIGINT:
                if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
                    return ((Number) value).longValue();
                }
                break;
            case DOUBLE:
                if (value instanceof Number n && !(value instanceof BigDecimal)) {
                    return n.doubleValue();
                }
                if (value instanceof BigDecimal d) {
                    return d.doubleValue();
                }
                break;
            case VARCHAR:
                if (value instanceof String) {
                    return value;
                }
                break;
            case TIMESTAMP:
                if (value instanceof Long) {
                    return value;
                }
                if (value instanceof LocalDateTime t) {
                    return VectorValues.toEpochMillis(t);
                }
                break;
            default:
                break;
        }
        throw new IllegalArgumentException("Value " + value + " (" + value.getClass().getSimpleName()
                + ") is not a " + type + " literal");
    }

    @Override
    public FieldVector evaluate(VectorSchemaRoot batch, BufferAllocator allocator) {
        int rows = batch.getRowCount();
        if (type == ColumnType.VARCHAR && value != null) {
            byte[] bytes = ((String) value).getBytes(StandardCharsets.UTF_8);
            try (VectorWriter out = VectorWriter.allocate(type, rows, (long) rows * bytes.length, allocator)) {
                for (int i = 0; i < rows; i++) {
                    out.setBytes(i, bytes);
                }
                return out.finish();
            }
        }
        try (VectorWriter out = VectorWriter.allocate(type, rows, allocator);
             Operand constant = Operand.constant(this, allocator)) {
            if (value != null) {
                for (int i = 0; i < rows; i++) {
                    out.copy(i, constant, i);
                }
            }
            return out.finish();
        }
    }

    /** SQL text of the literal, e.g. {@code 50}, {@code 'it''s'}, {@code TIMESTAMP '2024-01-01 00:00:00.000'}. */
    @Override
    public String toString() {
        if (value == null) {
            return "NULL";
        }
        return switch (type) {
            case BOOLEAN -> (Boolean) value ? "TRUE" : "FALSE";
            case VARCHAR -> "'" + ((String) value).replace("'", "''") + "'";
            case TIMESTAMP -> "TIMESTAMP '" + VectorValues.format(VectorValues.toLocalDateTime((Long) value)) + "'";
            default -> String.valueOf(value);
        };
    }
}
