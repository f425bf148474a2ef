package dev.sluice.planner.physical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Optional;
import org.apache.calcite.avatica.util.TimeUnit;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlIntervalQualifier;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;
import org.junit.jupiter.api.Test;

/** Reading a stream join's event-time bound from its ON clause, however the comparisons are written. */
class TimeBoundTest {
    private final RexBuilder rex = new RexBuilder(new JavaTypeFactoryImpl());
    private final RelDataType timestamp = rex.getTypeFactory().createSqlType(SqlTypeName.TIMESTAMP, 3);
    // The join row: left (id, ts), right (id, ts).
    private final RexNode leftTs = rex.makeInputRef(timestamp, 1);
    private final RexNode rightTs = rex.makeInputRef(timestamp, 3);
    private final RexNode otherRightTs = rex.makeInputRef(timestamp, 2);

    private RexNode seconds(long n) {
        return rex.makeIntervalLiteral(BigDecimal.valueOf(n * 1000),
                new SqlIntervalQualifier(TimeUnit.SECOND, null, SqlParserPos.ZERO));
    }

    private RexNode plus(RexNode ts, long s) {
        return rex.makeCall(SqlStdOperatorTable.DATETIME_PLUS, ts, seconds(s));
    }

    private RexNode minus(RexNode ts, long s) {
        return rex.makeCall(SqlStdOperatorTable.MINUS, ts, seconds(s));
    }

    @Test
    void betweenGivesTheLowerAndUpperOffsets() {
        // a.ts BETWEEN b.ts - INTERVAL '60' SECOND AND b.ts
        RexNode on = rex.makeCall(SqlStdOperatorTable.AND,
                rex.makeCall(SqlStdOperatorTable.GREATER_THAN_OR_EQUAL, leftTs, minus(rightTs, 60)),
                rex.makeCall(SqlStdOperatorTable.LESS_THAN_OR_EQUAL, leftTs, rightTs));
        assertEquals(Optional.of(new TimeBound(1, 3, -60_000, 0)), TimeBound.of(on, 2));
    }

    @Test
    void comparisonsWrittenTheOtherWayRoundAreFlipped() {
        // b.ts <= a.ts + INTERVAL '5' SECOND (so a.ts >= b.ts - 5 s) and b.ts + INTERVAL '10' SECOND > a.ts
        // (so a.ts <= b.ts + 10 s - 1 ms: strict, one millisecond tighter)
        RexNode on = rex.makeCall(SqlStdOperatorTable.AND,
                rex.makeCall(SqlStdOperatorTable.LESS_THAN_OR_EQUAL, rightTs, plus(leftTs, 5)),
                rex.makeCall(SqlStdOperatorTable.GREATER_THAN, plus(rightTs, 10), leftTs));
        assertEquals(Optional.of(new TimeBound(1, 3, -5_000, 9_999)), TimeBound.of(on, 2));
        assertTrue(TimeBound.isWholeCondition(on, 2));
    }

    @Test
    void aBoundNeedsBothEnds() {
        RexNode lowerOnly = rex.makeCall(SqlStdOperatorTable.GREATER_THAN_OR_EQUAL, leftTs, rightTs);
        assertTrue(TimeBound.of(lowerOnly, 2).isEmpty());
        RexNode twoLowerColumns = rex.makeCall(SqlStdOperatorTable.AND,
                rex.makeCall(SqlStdOperatorTable.GREATER_THAN_OR_EQUAL, leftTs, rightTs),
                rex.makeCall(SqlStdOperatorTable.GREATER_THAN_OR_EQUAL, leftTs, plus(otherRightTs, 1)));
        assertTrue(TimeBound.of(twoLowerColumns, 2).isEmpty());
    }

    @Test
    void theTwoEndsMayBeOnDifferentColumns() {
        // a.ts BETWEEN b.start AND b.expires + INTERVAL '1' SECOND: a column bound, the right row's own end
        RexNode columnBound = rex.makeCall(SqlStdOperatorTable.AND,
                rex.makeCall(SqlStdOperatorTable.GREATER_THAN_OR_EQUAL, leftTs, otherRightTs),
                rex.makeCall(SqlStdOperatorTable.LESS_THAN_OR_EQUAL, leftTs, plus(rightTs, 1)));
        assertEquals(Optional.of(new TimeBound(1, 2, 0, 1, 3, 1_000)), TimeBound.of(columnBound, 2));
        RexNode withMore = rex.makeCall(SqlStdOperatorTable.AND, columnBound,
                rex.makeCall(SqlStdOperatorTable.EQUALS, leftTs, rightTs));
        assertTrue(TimeBound.isWholeCondition(columnBound, 2));
        assertTrue(!TimeBound.isWholeCondition(withMore, 2));
    }
}
