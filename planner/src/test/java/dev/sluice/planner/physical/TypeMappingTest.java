package dev.sluice.planner.physical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import java.util.Map;
import org.apache.calcite.avatica.util.TimeUnit;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.SqlIntervalQualifier;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;
import org.junit.jupiter.api.Test;

class TypeMappingTest {
    private final RelDataTypeFactory factory = new JavaTypeFactoryImpl();

    @Test
    void mapsEverySupportedSqlType() {
        Map<SqlTypeName, ColumnType> expected = Map.ofEntries(
                Map.entry(SqlTypeName.BOOLEAN, ColumnType.BOOLEAN),
                Map.entry(SqlTypeName.TINYINT, ColumnType.INTEGER),
                Map.entry(SqlTypeName.SMALLINT, ColumnType.INTEGER),
                Map.entry(SqlTypeName.INTEGER, ColumnType.INTEGER),
                Map.entry(SqlTypeName.BIGINT, ColumnType.BIGINT),
                Map.entry(SqlTypeName.FLOAT, ColumnType.DOUBLE),
                Map.entry(SqlTypeName.REAL, ColumnType.DOUBLE),
                Map.entry(SqlTypeName.DOUBLE, ColumnType.DOUBLE),
                Map.entry(SqlTypeName.DECIMAL, ColumnType.DOUBLE),
                Map.entry(SqlTypeName.CHAR, ColumnType.VARCHAR),
                Map.entry(SqlTypeName.VARCHAR, ColumnType.VARCHAR),
                Map.entry(SqlTypeName.TIMESTAMP, ColumnType.TIMESTAMP));
        expected.forEach((sql, column) -> assertEquals(column, TypeMapping.toColumnType(factory.createSqlType(sql)), sql.getName()));
    }

    @Test
    void unsupportedTypesAreNamed() {
        IllegalArgumentException date = assertThrows(IllegalArgumentException.class,
                () -> TypeMapping.toColumnType(factory.createSqlType(SqlTypeName.DATE)));
        assertEquals("Type DATE is not supported yet", date.getMessage());
        RelDataType interval = factory.createSqlIntervalType(new SqlIntervalQualifier(TimeUnit.DAY, null, SqlParserPos.ZERO));
        assertEquals("Type INTERVAL DAY is not supported yet",
                assertThrows(IllegalArgumentException.class, () -> TypeMapping.toColumnType(interval)).getMessage());
        RelDataType array = factory.createArrayType(factory.createSqlType(SqlTypeName.INTEGER), -1);
        assertEquals("Type INTEGER ARRAY is not supported yet",
                assertThrows(IllegalArgumentException.class, () -> TypeMapping.toColumnType(array)).getMessage());
    }

    @Test
    void plansColumnsAsMillisecondTimestampsAndUnboundedVarchars() {
        RelDataType ts = TypeMapping.toRelDataType(ColumnType.TIMESTAMP, true, factory);
        assertEquals(SqlTypeName.TIMESTAMP, ts.getSqlTypeName());
        assertEquals(3, ts.getPrecision());
        assertTrue(ts.isNullable());
        RelDataType varchar = TypeMapping.toRelDataType(ColumnType.VARCHAR, false, factory);
        assertEquals(SqlTypeName.VARCHAR, varchar.getSqlTypeName());
        assertEquals(RelDataType.PRECISION_NOT_SPECIFIED, varchar.getPrecision());
        assertFalse(varchar.isNullable());
        for (ColumnType type : ColumnType.values()) {
            assertEquals(type, TypeMapping.toColumnType(TypeMapping.toRelDataType(type, true, factory)), type.name());
        }
    }

    @Test
    void rowTypesBecomeSchemasAndBack() {
        RowSchema schema = RowSchema.of(new Column("id", ColumnType.BIGINT, false), Column.of("name", ColumnType.VARCHAR),
                Column.of("at", ColumnType.TIMESTAMP));
        RelDataTypeFactory.Builder builder = factory.builder();
        for (Column c : schema.columns()) {
            builder.add(c.name(), TypeMapping.toRelDataType(c.type(), c.nullable(), factory));
        }
        assertEquals(schema, TypeMapping.toRowSchema(builder.build()));
        RelDataType withDate = factory.builder().add("day", SqlTypeName.DATE).build();
        assertEquals("Column 'day': Type DATE is not supported yet",
                assertThrows(IllegalArgumentException.class, () -> TypeMapping.toRowSchema(withDate)).getMessage());
    }
}
