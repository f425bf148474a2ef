package dev.sluice.planner.sql;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlBinaryOperator;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.InferTypes;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql.validate.SqlValidatorScope;

/** Operators whose Calcite typing Sluice changes, to give what Spark and Flink users expect. */
public final class SluiceOperators {
    /**
     * {@code MOD(a, b)} and {@code a % b} typed as the wider of their operands, as in Spark, Flink and
     * PostgreSQL ({@code 7.5 % 2} is {@code 1.5}); Calcite types them as {@code b}, truncating a DOUBLE remainder
     * to an INTEGER.
     */
    public static final SqlBinaryOperator MOD = new SluiceMod();

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

    private SluiceOperators() {
    }
}
