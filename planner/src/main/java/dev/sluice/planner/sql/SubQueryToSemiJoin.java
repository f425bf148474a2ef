package dev.sluice.planner.sql;

import dev.sluice.planner.PlanningException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.CorrelationId;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexCorrelVariable;
import org.apache.calcite.rex.RexFieldAccess;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;

/**
 * Turns the subqueries of a WHERE clause into semi and anti joins, as Flink's {@code FlinkSubQueryRemoveRule}
 * does, so that a stream filtered by another runs as one join operator rather than a join over a GROUP BY
 * (Calcite's {@code SubQueryRemoveRule}, which a stream can't keep bounded):
 * <pre>
 * Filter(EXISTS(Filter(v.user_id = $cor0.user_id AND p, views)) AND q, clicks)
 *   =&gt;  Filter(q, SemiJoin(clicks.user_id = v.user_id, clicks, Filter(p, views)))
 * </pre>
 * {@code x IN (SELECT y ...)} becomes a semi join on {@code x = y}; {@code NOT EXISTS} an anti join;
 * {@code x NOT IN (SELECT y ...)} an anti join when neither side can be NULL (with a NULL, NOT IN is never
 * true, which an anti join can't say). The subquery's conditions on the outer row (correlated) become the
 * join's condition: equalities its keys, others (a time bound) the rest of its ON clause.
 *
 * <p>Does not fire (the subquery stays, and planning refuses it naming the operator) for a subquery under OR or
 * in a SELECT list, for a correlated IN, or for a correlation below anything but the subquery's top filter.
 */
final class SubQueryToSemiJoin extends RelShuttleImpl {
    private SubQueryToSemiJoin() {
    }

    /** {@code rel} with the subqueries of its filters' top-level conjunctions turned into semi and anti joins. */
    static RelNode rewrite(RelNode rel) {
        return rel.accept(new SubQueryToSemiJoin());
    }

    @Override
    public RelNode visit(LogicalFilter filter) {
        RelNode input = filter.getInput().accept(this);
        if (!RexUtil.SubQueryFinder.containsSubQuery(filter)) {
            return input == filter.getInput() ? filter : filter.copy(filter.getTraitSet(), input, filter.getCondition());
        }
        RexBuilder rex = filter.getCluster().getRexBuilder();
        List<RexNode> rest = new ArrayList<>();
        RelNode joined = input;
        for (RexNode conjunct : RelOptUtil.conjunctions(filter.getCondition())) {
            boolean negated = conjunct.getKind() == SqlKind.NOT;
            RexNode inner = negated ? ((RexCall) conjunct).getOperands().get(0) : conjunct;
            if (inner instanceof RexSubQuery sub && (sub.getKind() == SqlKind.EXISTS || sub.getKind() == SqlKind.IN)) {
                joined = join(joined, sub, negated, filter.getVariablesSet(), rex);
            } else {
                rest.add(conjunct);
            }
        }
        return rest.isEmpty() ? joined : LogicalFilter.create(joined, RexUtil.composeConjunction(rex, rest));
    }

    private static RelNode join(RelNode outer, RexSubQuery sub, boolean negated, Set<CorrelationId> correlations,
                                RexBuilder rex) {
        int outerWidth = outer.getRowType().getFieldCount();
        RelNode inner = rewrite(sub.rel);
        List<RexNode> on = new ArrayList<>();
        if (sub.getKind() == SqlKind.IN) {
            if (!RelOptUtil.getVariablesUsed(inner).isEmpty()) {
                throw new PlanningException("A correlated IN subquery is not supported yet: write it as EXISTS "
                        + "(SELECT ... WHERE inner.col = outer.col AND ...)");
            }
            for (int i = 0; i < sub.getOperands().size(); i++) {
                RexNode left = sub.getOperands().get(i);
                RexNode right = new RexInputRef(outerWidth + i, inner.getRowType().getFieldList().get(i).getType());
                if (negated && (left.getType().isNullable() || right.getType().isNullable())) {
                    String name = left instanceof RexInputRef ref ? outer.getRowType().getFieldNames().get(ref.getIndex())
                            : left.toString();
                    throw new PlanningException("NOT IN over a column that can be NULL (" + name + " NOT IN (SELECT "
                            + inner.getRowType().getFieldNames().get(i) + " ...)) is not supported: one NULL makes NOT "
                            + "IN unknown for every row; write NOT EXISTS (SELECT ... WHERE inner.col = outer.col)");
                }
                on.add(rex.makeCall(org.apache.calcite.sql.fun.SqlStdOperatorTable.EQUALS, left, right));
            }
        } else {
            // EXISTS: what it selects does not matter; its correlated conditions become the join's.
            while (inner instanceof LogicalProject project && RelOptUtil.getVariablesUsed(project).isEmpty()) {
                inner = project.getInput();
            }
            if (inner instanceof LogicalFilter f && !RelOptUtil.getVariablesUsed(f).isEmpty()
                    && RelOptUtil.getVariablesUsed(f.getInput()).isEmpty()) {
                List<RexNode> local = new ArrayList<>();
                for (RexNode c : RelOptUtil.conjunctions(f.getCondition())) {
                    if (RexUtil.containsCorrelation(c)) {
                        on.add(c.accept(new Decorrelate(outerWidth, correlations)));
                    } else {
                        local.add(c);
                    }
                }
                inner = local.isEmpty() ? f.getInput() : LogicalFilter.create(f.getInput(),
                        RexUtil.composeConjunction(rex, local));
            } else if (!RelOptUtil.getVariablesUsed(inner).isEmpty()) {
                throw new PlanningException("An EXISTS subquery may refer to the outer query only in its WHERE clause "
                        + "yet");
            }
            if (on.isEmpty()) {
                throw new PlanningException("An EXISTS subquery not correlated with the outer query (no condition on "
                        + "its columns) is not supported yet: correlate it, e.g. WHERE inner.col = outer.col");
            }
        }
        return LogicalJoin.create(outer, inner, List.of(), RexUtil.composeConjunction(rex, on), Set.of(),
                negated ? JoinRelType.ANTI : JoinRelType.SEMI);
    }

    /**
     * A correlated condition of the subquery as a join condition: its own columns shifted after the outer row's,
     * the outer row's ({@code $cor0.col}) as the left side's columns.
     */
    private static final class Decorrelate extends RexShuttle {
        private final int outerWidth;
        private final Set<CorrelationId> correlations;

        Decorrelate(int outerWidth, Set<CorrelationId> correlations) {
            this.outerWidth = outerWidth;
            this.correlations = correlations;
        }

        @Override
        public RexNode visitInputRef(RexInputRef ref) {
            return new RexInputRef(outerWidth + ref.getIndex(), ref.getType());
        }

        @Override
        public RexNode visitFieldAccess(RexFieldAccess access) {
            if (access.getReferenceExpr() instanceof RexCorrelVariable v && correlations.contains(v.id)) {
                return new RexInputRef(access.getField().getIndex(), access.getType());
            }
            return super.visitFieldAccess(access);
        }
    }
}
