package dev.sluice.execution.type;

import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * The column types Sluice executes, and the Arrow vector each one lives in.
 *
 * <p>SQL types are mapped onto these once, in the planner: TINYINT/SMALLINT/INTEGER become INTEGER,
 * FLOAT/REAL/DOUBLE become DOUBLE, CHAR/VARCHAR/STRING become VARCHAR.
 */
public enum ColumnType {
    /** {@code BitVector}. */
    BOOLEAN(ArrowType.Bool.INSTANCE),
    /** {@code IntVector}, 32-bit signed. */
    INTEGER(new ArrowType.Int(32, true)),
    /** {@code BigIntVector}, 64-bit signed. */
    BIGINT(new ArrowType.Int(64, true)),
    /** {@code Float8Vector}. */
    DOUBLE(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
    /** {@code VarCharVector}, UTF-8. */
    VARCHAR(ArrowType.Utf8.INSTANCE),
    /** {@code TimeStampMilliVector}: epoch milliseconds, no time zone (UTC by convention). */
    TIMESTAMP(new ArrowType.Timestamp(TimeUnit.MILLISECOND, null));

    private final ArrowType arrowType;

    ColumnType(ArrowType arrowType) {
        this.arrowType = arrowType;
    }

    public ArrowType arrowType() {
        return arrowType;
    }

    public boolean isNumeric() {
        return this == INTEGER || this == BIGINT || this == DOUBLE;
    }

    /** The column type of an Arrow type, or an exception naming the type Sluice cannot execute. */
    public static ColumnType fromArrow(ArrowType type) {
        for (ColumnType t : values()) {
            if (t.arrowType.equals(type)) {
                return t;
            }
        }
        throw new IllegalArgumentException("Arrow type " + type + " is not supported by Sluice");
    }

    /** Parses a SQL type name as written in DDL (case-insensitive), e.g. {@code INT}, {@code VARCHAR(20)}. */
    public static ColumnType fromSqlName(String sqlType) {
        String base = sqlType.trim().toUpperCase(java.util.Locale.ROOT);
        int paren = base.indexOf('(');
        if (paren >= 0) {
            base = base.substring(0, paren).trim();
        }
        switch (base) {
            case "BOOLEAN": case "BOOL": return BOOLEAN;
            case "TINYINT": case "SMALLINT": case "INT": case "INTEGER": return INTEGER;
            case "BIGINT": case "LONG": return BIGINT;
            case "FLOAT": case "REAL": case "DOUBLE": case "DOUBLE PRECISION": return DOUBLE;
            case "CHAR": case "VARCHAR": case "STRING": case "TEXT": case "CHARACTER VARYING": return VARCHAR;
            case "TIMESTAMP": case "TIMESTAMP(3)": return TIMESTAMP;
            default:
                throw new IllegalArgumentException("Unsupported column type '" + sqlType
                        + "' (supported: BOOLEAN, INT, BIGINT, DOUBLE, VARCHAR, TIMESTAMP)");
        }
    }

    /** The name used in DDL and DESCRIBE output. */
    public String sqlName() {
        return name();
    }
}
