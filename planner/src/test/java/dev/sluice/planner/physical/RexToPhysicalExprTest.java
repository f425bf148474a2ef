package dev.sluice.planner.physical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.execution.expr.ExpressionException;
import dev.sluice.execution.expr.PhysicalExpr;
import dev.sluice.execution.operator.BatchOperator;
import dev.sluice.execution.operator.FilterProjectOperator;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import dev.sluice.planner.PlanningException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * SQL expressions end to end: planned by Calcite, converted by {@link RexToPhysicalExpr}, evaluated over a
 * real Arrow batch; the cases live in {@code expressions.txt} next to this class.
 */
class RexToPhysicalExprTest {
    static final RowSchema TABLE = RowSchema.of(new Column("id", ColumnType.INTEGER, false),
            Column.of("i", ColumnType.INTEGER), Column.of("l", ColumnType.BIGINT), Column.of("d", ColumnType.DOUBLE),
            Column.of("s", ColumnType.VARCHAR), Column.of("ts", ColumnType.TIMESTAMP), Column.of("b", ColumnType.BOOLEAN),
            Column.of("j", ColumnType.INTEGER));
    private static final List<List<Object>> ROWS = List.of(
            Arrays.asList(1, 1, 10L, 1.5, "apple", ts("2024-03-01 10:15:30.250"), true, 0),
            Arrays.asList(2, -4, 3_000_000_000L, -0.5, "Banana", ts("2023-12-31 23:59:59.999"), false, 2),
            Arrays.asList(3, null, null, null, null, null, null, null),
            Arrays.asList(4, 0, -7L, 100.0, " x%y ", ts("1970-01-01 00:00:00"), true, -3),
            Arrays.asList(5, 42, 42L, 42.25, "42", ts("2024-02-29 12:00:00"), false, 5));

    private BufferAllocator allocator;

    @BeforeEach
    void openAllocator() {
        allocator = new RootAllocator();
    }

    @AfterEach
    void closeAllocator() {
        allocator.close();
    }

    @TestFactory
    Stream<DynamicTest> expressionsFromTheCaseFile() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        try (InputStream in = getClass().getResourceAsStream("expressions.txt")) {
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split("=>", -1);
                if (parts.length != 3) {
                    throw new IllegalArgumentException("expressions.txt line " + number + ": expected 'expression => kind => expected'");
                }
                String expression = parts[0].strip();
                String kind = parts[1].strip();
                String expected = parts[2].strip();
                tests.add(DynamicTest.dynamicTest("line " + number + ": " + expression, () -> check(expression, kind, expected)));
            }
        }
        return tests.stream();
    }

    private void check(String expression, String kind, String expected) {
        switch (kind) {
            case "ROWS" -> assertEquals(parseValues(expected, ColumnType.INTEGER), filter(expression));
            case "ERROR" -> {
                ExpressionException e = assertThrows(ExpressionException.class, () -> project(expression));
                assertEquals(expected, e.getMessage());
            }
            case "PLAN ERROR" -> {
                PlanningException e = assertThrows(PlanningException.class, () -> project(expression));
                assertTrue(e.getMessage().startsWith(expected), e.getMessage());
            }
            default -> {
                ColumnType type = ColumnType.valueOf(kind);
                Projected result = project(expression);
                assertEquals(type, result.type(), "type of " + result.expr());
                assertEquals(parseValues(expected, type), result.values(), expression + " as " + result.expr());
            }
        }
    }

    private record Projected(PhysicalExpr expr, ColumnType type, List<Object> values) {
    }

    private Projected project(String expression) {
        RexTestPlanner.Planned planned = RexTestPlanner.plan(TABLE, "SELECT " + expression + " FROM t");
        PhysicalExpr expr = RexToPhysicalExpr.convert(planned.projections().get(0), TABLE);
        ColumnType planType = TypeMapping.toColumnType(planned.projections().get(0).getType());
        assertEquals(planType, expr.type(), "converted type of " + expr);
        try (VectorSchemaRoot batch = table(); FieldVector values = expr.evaluate(batch, allocator)) {
            List<Object> list = new ArrayList<>();
            for (int i = 0; i < values.getValueCount(); i++) {
                list.add(VectorValues.get(values, i));
            }
            return new Projected(expr, planType, list);
        }
    }

    /** The ids {@code SELECT id FROM t WHERE condition} keeps, through the filter-project operator. */
    private List<Object> filter(String condition) {
        RexTestPlanner.Planned planned = RexTestPlanner.plan(TABLE, "SELECT id FROM t " + condition);
        Optional<PhysicalExpr> filter = planned.condition().map(c -> RexToPhysicalExpr.convert(c, TABLE));
        List<PhysicalExpr> projections = planned.projections().stream().map(p -> RexToPhysicalExpr.convert(p, TABLE)).toList();
        var factory = new FilterProjectOperator.Factory(filter, projections, TypeMapping.toRowSchema(planned.rowType()));
        try (VectorSchemaRoot batch = table(); BatchOperator operator = factory.create(allocator)) {
            VectorSchemaRoot output = operator.process(batch);
            if (output == null) {
                return List.of();
            }
            try (output) {
                return VectorValues.rows(output).stream().map(r -> r.get(0)).toList();
            }
        }
    }

    @Test
    void convertedExpressionsReadLikeSqlForExplain() {
        RowSchema orders = RowSchema.of(Column.of("user_id", ColumnType.BIGINT), Column.of("amount", ColumnType.DOUBLE),
                Column.of("country", ColumnType.VARCHAR));
        RexTestPlanner.Planned planned = RexTestPlanner.plan(orders,
                "SELECT user_id, UPPER(country) || '!' FROM t WHERE amount > 50 AND country IN ('fr', 'de')");
        PhysicalExpr condition = RexToPhysicalExpr.convert(planned.condition().orElseThrow(), orders);
        assertEquals("((amount > 50.0) AND (country IN ('de', 'fr')))", condition.toString());
        assertEquals("(UPPER(country) || '!')", RexToPhysicalExpr.convert(planned.projections().get(1), orders).toString());
    }

    @Test
    void unsupportedFunctionsNameThemselvesAndTheirOperandTypes() {
        RexBuilder rex = new RexBuilder(new JavaTypeFactoryImpl());
        RexNode s = rex.makeInputRef(TypeMapping.toRelDataType(ColumnType.VARCHAR, true, rex.getTypeFactory()), 4);
        RexNode call = rex.makeCall(s.getType(), SqlStdOperatorTable.JSON_VALUE, List.of(s, rex.makeLiteral("lax $.a")));
        PlanningException e = assertThrows(PlanningException.class, () -> RexToPhysicalExpr.convert(call, TABLE));
        assertEquals("Function JSON_VALUE(VARCHAR, CHAR) is not supported yet", e.getMessage());
        RexNode plus = rex.makeCall(s.getType(), SqlStdOperatorTable.PLUS, List.of(s, rex.makeExactLiteral(java.math.BigDecimal.ONE)));
        assertEquals("(s + 1) needs a number, got s of type VARCHAR",
                assertThrows(PlanningException.class, () -> RexToPhysicalExpr.convert(plus, TABLE)).getMessage());
        RexNode date = rex.makeNullLiteral(rex.getTypeFactory().createSqlType(SqlTypeName.DATE));
        PlanningException type = assertThrows(PlanningException.class, () -> RexToPhysicalExpr.convert(date, TABLE));
        assertTrue(type.getMessage().startsWith("Type DATE is not supported yet"), type.getMessage());
    }

    private VectorSchemaRoot table() {
        VectorSchemaRoot root = VectorSchemaRoot.create(TABLE.toArrowSchema(), allocator);
        root.allocateNew();
        for (int r = 0; r < ROWS.size(); r++) {
            for (int c = 0; c < TABLE.size(); c++) {
                set(root.getVector(c), r, ROWS.get(r).get(c));
            }
        }
        root.setRowCount(ROWS.size());
        return root;
    }

    private static void set(FieldVector vector, int row, Object value) {
        if (value == null) {
            return;
        }
        if (vector instanceof BitVector v) {
            v.setSafe(row, (Boolean) value ? 1 : 0);
        } else if (vector instanceof IntVector v) {
            v.setSafe(row, (Integer) value);
        } else if (vector instanceof BigIntVector v) {
            v.setSafe(row, (Long) value);
        } else if (vector instanceof Float8Vector v) {
            v.setSafe(row, (Double) value);
        } else if (vector instanceof VarCharVector v) {
            v.setSafe(row, ((String) value).getBytes(StandardCharsets.UTF_8));
        } else if (vector instanceof TimeStampMilliVector v) {
            v.setSafe(row, VectorValues.toEpochMillis((LocalDateTime) value));
        }
    }

    private static LocalDateTime ts(String text) {
        return LocalDateTime.parse(text.replace(' ', 'T'));
    }

    /** Parses comma-separated SQL-like values of one type (see expressions.txt). */
    static List<Object> parseValues(String text, ColumnType type) {
        List<Object> values = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            while (i < text.length() && text.charAt(i) == ' ') {
                i++;
            }
            if (i >= text.length()) {
                break;
            }
            String token;
            if (text.startsWith("TIMESTAMP '", i) || text.charAt(i) == '\'') {
                int quote = text.indexOf('\'', i);
                StringBuilder sb = new StringBuilder(text.substring(i, quote + 1));
                int j = quote + 1;
                while (true) {
                    int next = text.indexOf('\'', j);
                    if (next + 1 < text.length() && text.charAt(next + 1) == '\'') {
                        sb.append(text, j, next + 2);
                        j = next + 2;
                    } else {
                        sb.append(text, j, next + 1);
                        j = next + 1;
                        break;
                    }
                }
                token = sb.toString();
                i = j;
            } else {
                int comma = text.indexOf(',', i);
                int end = comma < 0 ? text.length() : comma;
                token = text.substring(i, end).strip();
                i = end;
            }
            values.add(parseValue(token, type));
            while (i < text.length() && (text.charAt(i) == ',' || text.charAt(i) == ' ')) {
                i++;
            }
        }
        return values;
    }

    private static Object parseValue(String token, ColumnType type) {
        if (token.equals("NULL")) {
            return null;
        }
        return switch (type) {
            case BOOLEAN -> Boolean.parseBoolean(token);
            case INTEGER -> Integer.parseInt(token);
            case BIGINT -> Long.parseLong(token);
            case DOUBLE -> Double.parseDouble(token);
            case VARCHAR -> token.substring(1, token.length() - 1).replace("''", "'");
            case TIMESTAMP -> ts(token.substring("TIMESTAMP '".length(), token.length() - 1));
        };
    }
}
