package dev.sluice.planner.sql;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlBinaryOperator;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlWindowTableFunction;
import org.apache.calcite.sql.type.SqlOperandMetadata;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeTransforms;
import org.apache.calcite.sql.util.SqlOperatorTables;
import org.apache.calcite.sql.type.InferTypes;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql.validate.SqlValidatorScope;

/**
 * Operators whose Calcite typing Sluice changes, and functions Sluice adds to Calcite's standard ones, to give
 * what Spark and Flink users expect.
 */
public final class SluiceOperators {
    /**
     * {@code MOD(a, b)} and {@code a % b} typed as the wider of their operands, as in Spark, Flink and
     * PostgreSQL ({@code 7.5 % 2} is {@code 1.5}); Calcite types them as {@code b}, truncating a DOUBLE remainder
     * to an INTEGER.
     */
    public static final SqlBinaryOperator MOD = new SluiceMod();

    /**
     * {@code TO_TIMESTAMP_LTZ(epoch, precision)} as in Flink SQL: epoch seconds (precision 0) or milliseconds
     * (precision 3) as a TIMESTAMP(3). Sluice's TIMESTAMP is an instant in UTC, which is what Flink's
     * TIMESTAMP_LTZ holds.
     */
    public static final SqlFunction TO_TIMESTAMP_LTZ = new SqlFunction("TO_TIMESTAMP_LTZ", SqlKind.OTHER_FUNCTION,
            ReturnTypes.explicit(SqlTypeName.TIMESTAMP, 3).andThen(SqlTypeTransforms.TO_NULLABLE), null,
            OperandTypes.family(SqlTypeFamily.NUMERIC, SqlTypeFamily.INTEGER), SqlFunctionCategory.TIMEDATE);

    /**
     * {@code TO_TIMESTAMP(text [, format])} as in Flink SQL: date-time text as a TIMESTAMP(3), NULL if it does
     * not parse (so always nullable).
     */
    public static final SqlFunction TO_TIMESTAMP = new SqlFunction("TO_TIMESTAMP", SqlKind.OTHER_FUNCTION,
            ReturnTypes.explicit(SqlTypeName.TIMESTAMP, 3).andThen(SqlTypeTransforms.FORCE_NULLABLE), null,
            OperandTypes.or(OperandTypes.CHARACTER, OperandTypes.STRING_STRING), SqlFunctionCategory.TIMEDATE);

    /**
     * {@code DATE_FORMAT(timestamp | text, format)} as in Flink SQL: the time as text in a SimpleDateFormat-style
     * pattern, in UTC; text is read as {@code yyyy-MM-dd HH:mm:ss} first (NULL if it does not parse).
     */
    public static final SqlFunction DATE_FORMAT = new SqlFunction("DATE_FORMAT", SqlKind.OTHER_FUNCTION,
            ReturnTypes.explicit(SqlTypeName.VARCHAR).andThen(SqlTypeTransforms.FORCE_NULLABLE), null,
            OperandTypes.or(OperandTypes.family(SqlTypeFamily.TIMESTAMP, SqlTypeFamily.CHARACTER),
                    OperandTypes.STRING_STRING), SqlFunctionCategory.TIMEDATE);

    /**
     * {@code REGEXP_EXTRACT(text, regex [, index])} as in Flink SQL: group {@code index} (default 0, the whole
     * match) of the first match, NULL if none.
     */
    public static final SqlFunction REGEXP_EXTRACT = new SqlFunction("REGEXP_EXTRACT", SqlKind.OTHER_FUNCTION,
            ReturnTypes.explicit(SqlTypeName.VARCHAR).andThen(SqlTypeTransforms.FORCE_NULLABLE), null,
            OperandTypes.or(OperandTypes.STRING_STRING,
                    OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.CHARACTER, SqlTypeFamily.INTEGER)),
            SqlFunctionCategory.STRING);

    /**
     * {@code SPLIT_INDEX(text, separator, index)} as in Flink SQL: the 0-based {@code index}-th part of the text
     * split at the separator, NULL past the last.
     */
    public static final SqlFunction SPLIT_INDEX = new SqlFunction("SPLIT_INDEX", SqlKind.OTHER_FUNCTION,
            ReturnTypes.explicit(SqlTypeName.VARCHAR).andThen(SqlTypeTransforms.FORCE_NULLABLE), null,
            OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.CHARACTER, SqlTypeFamily.INTEGER),
            SqlFunctionCategory.STRING);

    /**
     * {@code PROCTIME()} as in Flink SQL: the processing time, a TIMESTAMP(3). Not a per-row clock read: a
     * bounded query's is the time it is planned, as Spark's {@code current_timestamp()} is fixed per query
     * (and per micro-batch).
     */
    public static final SqlFunction PROCTIME = new ProcTime();

    /**
     * {@code CUMULATE(TABLE t, DESCRIPTOR(ts), step, size)} as in Flink SQL: per row, every window that starts at
     * the start of the {@code size} window holding it and ends a multiple of {@code step} after that start, past
     * the row; {@code window_start} and {@code window_end} added to the table's columns. Calcite has no CUMULATE:
     * its operands are HOP's (a table, a time descriptor, two intervals), so it checks them with HOP's checker.
     */
    public static final SqlWindowTableFunction CUMULATE = new SqlWindowTableFunction("CUMULATE",
            (SqlOperandMetadata) SqlStdOperatorTable.HOP.getOperandTypeChecker());

    /** Calcite's standard operators and Sluice's functions, for validating queries. */
    public static final SqlOperatorTable TABLE = SqlOperatorTables.chain(SqlStdOperatorTable.instance(),
            SqlOperatorTables.of(TO_TIMESTAMP_LTZ, TO_TIMESTAMP, DATE_FORMAT, REGEXP_EXTRACT, SPLIT_INDEX,
                    PROCTIME, CUMULATE));

    /**
     * A class of its own: Calcite's operators are equal by class, name and kind, and an equal one would be
     * converted back into Calcite's MOD.
     */
    private static final class SluiceMod extends SqlBinaryOperator {
        SluiceMod() {
            super("%", SqlKind.MOD, 60, true, ReturnTypes.LEAST_RESTRICTIVE, InferTypes.FIRST_KNOWN,
                    OperandTypes.NUMERIC_NUMERIC);
        }

        /** Types the call itself: Calcite's would look the operator up by name and find its own MOD again. */
        @Override
        public RelDataType deriveType(SqlValidator validator, SqlValidatorScope scope, SqlCall call) {
            return validateOperands(validator, scope, call);
        }
    }

    /** Not deterministic and dynamic: never folded into a constant while the query is planned. */
    private static final class ProcTime extends SqlFunction {
        ProcTime() {
            super("PROCTIME", SqlKind.OTHER_FUNCTION, ReturnTypes.explicit(SqlTypeName.TIMESTAMP, 3), null,
                    OperandTypes.NILADIC, SqlFunctionCategory.TIMEDATE);
        }

        @Override
        public boolean isDeterministic() {
            return false;
        }

        @Override
        public boolean isDynamicFunction() {
            return true;
        }
    }

    private SluiceOperators() {
    }
}
