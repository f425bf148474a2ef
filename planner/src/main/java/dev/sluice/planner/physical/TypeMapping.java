package dev.sluice.planner.physical;

import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Calcite's SQL types to Sluice's executed types and back. Several SQL types share one executed type:
 * TINYINT/SMALLINT/INTEGER run as INTEGER, FLOAT/REAL/DOUBLE/DECIMAL as DOUBLE (DECIMAL is approximated),
 * CHAR/VARCHAR as VARCHAR (CHAR is not blank-padded).
 */
public final class TypeMapping {
    /** Calcite's TIMESTAMP precision for milliseconds. */
    private static final int MILLISECOND_PRECISION = 3;

    private TypeMapping() {
    }

    /**
     * The executed type of a SQL type.
     *
     * @throws IllegalArgumentException naming a type Sluice can't run, e.g. {@code "Type DATE is not supported yet"}
     */
    public static ColumnType toColumnType(RelDataType type) {
        SqlTypeName name = type.getSqlTypeName();
        return switch (name) {
            case BOOLEAN -> ColumnType.BOOLEAN;
            case TINYINT, SMALLINT, INTEGER -> ColumnType.INTEGER;
            case BIGINT -> ColumnType.BIGINT;
            case FLOAT, REAL, DOUBLE, DECIMAL -> ColumnType.DOUBLE;
            case CHAR, VARCHAR -> ColumnType.VARCHAR;
            case TIMESTAMP -> ColumnType.TIMESTAMP;
            default -> throw new IllegalArgumentException("Type " + describe(type) + " is not supported yet");
        };
    }

    /** The SQL type Calcite plans with for a column: TIMESTAMP(3), unbounded VARCHAR. */
    public static RelDataType toRelDataType(ColumnType type, boolean nullable, RelDataTypeFactory factory) {
        RelDataType base = switch (type) {
            case BOOLEAN -> factory.createSqlType(SqlTypeName.BOOLEAN);
            case INTEGER -> factory.createSqlType(SqlTypeName.INTEGER);
            case BIGINT -> factory.createSqlType(SqlTypeName.BIGINT);
            case DOUBLE -> factory.createSqlType(SqlTypeName.DOUBLE);
            case VARCHAR -> factory.createSqlType(SqlTypeName.VARCHAR, RelDataType.PRECISION_NOT_SPECIFIED);
            case TIMESTAMP -> factory.createSqlType(SqlTypeName.TIMESTAMP, MILLISECOND_PRECISION);
        };
        return factory.createTypeWithNullability(base, nullable);
    }

    /** The columns of a row type, with their names, executed types and nullability. */
    public static RowSchema toRowSchema(RelDataType rowType) {
        List<Column> columns = new ArrayList<>();
        for (RelDataTypeField field : rowType.getFieldList()) {
            ColumnType type;
            try {
                type = toColumnType(field.getType());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Column '" + field.getName() + "': " + e.getMessage(), e);
            }
            columns.add(new Column(field.getName(), type, field.getType().isNullable()));
        }
        return new RowSchema(columns);
    }

    /** A type's name as users write it: {@code DATE}, {@code INTERVAL DAY}, {@code INTEGER ARRAY}... */
    static String describe(RelDataType type) {
        SqlTypeName name = type.getSqlTypeName();
        if (name == SqlTypeName.ARRAY || name == SqlTypeName.MULTISET || name == SqlTypeName.MAP
                || name == SqlTypeName.ROW || name.getFamily() == org.apache.calcite.sql.type.SqlTypeFamily.INTERVAL_DAY_TIME
                || name.getFamily() == org.apache.calcite.sql.type.SqlTypeFamily.INTERVAL_YEAR_MONTH) {
            return type.getFullTypeString().replace(" NOT NULL", "");
        }
        return name.getName();
    }
}
