package dev.sluice.planner.physical;

import dev.sluice.planner.PlanningException;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Calc;
import org.apache.calcite.rel.logical.LogicalCalc;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexProgram;
import org.apache.calcite.rex.RexProgramBuilder;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Aggregate calls with {@code FILTER (WHERE condition)} as the same calls over {@code CASE WHEN condition THEN
 * argument END}, computed in a projection below the aggregate: a row the filter rejects gives the aggregate a
 * NULL, which every aggregate function skips, so {@code COUNT(*) FILTER (WHERE c)} is {@code COUNT(CASE WHEN c
 * THEN 1 END)} and {@code COUNT(DISTINCT x) FILTER (WHERE c)} is {@code COUNT(DISTINCT CASE WHEN c THEN x
 * END)}. The aggregate operators (and their state and retraction) stay as they are.
 *
 * <p>Calcite gives a filter as a BOOLEAN column of the aggregate's input (its {@code filterArg}); a NULL
 * condition rejects the row, as WHERE does.
 */
final class AggregateFilters {
    private AggregateFilters() {
    }

    static boolean hasFilter(Aggregate aggregate) {
        return aggregate.getAggCallList().stream().anyMatch(AggregateCall::hasFilter);
    }

    /**
     * {@code aggregate} without filters, over its input with a {@code CASE} column per filtered call (merged
     * into the input's projection if the input is one).
     */
    static Aggregate withoutFilters(Aggregate aggregate) {
        RelNode input = aggregate.getInput();
        RelDataType inputType = input.getRowType();
        RexBuilder rex = aggregate.getCluster().getRexBuilder();
        RelDataTypeFactory types = rex.getTypeFactory();
        List<RexNode> projects = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < inputType.getFieldCount(); i++) {
            projects.add(RexInputRef.of(i, inputType));
            names.add(inputType.getFieldList().get(i).getName());
        }
        List<AggregateCall> calls = new ArrayList<>();
        for (AggregateCall call : aggregate.getAggCallList()) {
            if (!call.hasFilter()) {
                calls.add(call);
                continue;
            }
            if (call.getArgList().size() > 1) {
                throw new PlanningException("Aggregate " + call + " with several arguments is not supported yet");
            }
            RexNode value = call.getArgList().isEmpty()
                    ? rex.makeExactLiteral(java.math.BigDecimal.ONE, types.createSqlType(SqlTypeName.INTEGER))
                    : RexInputRef.of(call.getArgList().get(0), inputType);
            RelDataType nullable = types.createTypeWithNullability(value.getType(), true);
            RexNode filter = RexInputRef.of(call.filterArg, inputType);
            projects.add(rex.makeCall(nullable, SqlStdOperatorTable.CASE,
                    List.of(filter, value, rex.makeNullLiteral(nullable))));
            names.add("$filtered" + calls.size());
            calls.add(call.withArgList(List.of(projects.size() - 1)).withFilter(-1));
        }
        RexProgram program = RexProgram.create(inputType, projects, null, names, rex);
        RelNode newInput;
        if (input instanceof Calc calc) {
            RexProgram merged = RexProgramBuilder.mergePrograms(program, calc.getProgram(), rex);
            newInput = LogicalCalc.create(calc.getInput(), merged);
        } else {
            newInput = LogicalCalc.create(input, program);
        }
        return aggregate.copy(aggregate.getTraitSet(), newInput, aggregate.getGroupSet(), aggregate.getGroupSets(),
                calls);
    }
}
