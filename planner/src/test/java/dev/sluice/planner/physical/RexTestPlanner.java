package dev.sluice.planner.physical;

import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.RowSchema;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.plan.hep.HepProgramBuilder;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Calc;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexProgram;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.validate.SqlConformanceEnum;
import org.apache.calcite.sql2rel.SqlToRelConverter;
import org.apache.calcite.tools.FrameworkConfig;
import org.apache.calcite.tools.Frameworks;
import org.apache.calcite.tools.Planner;

/**
 * Plans {@code SELECT ... FROM t [WHERE ...]} over an in-memory table with Calcite, with Sluice's parser
 * settings and rewrite rules, and returns the resulting Calc's expressions: the RexNodes Sluice's planner
 * hands to {@link RexToPhysicalExpr}.
 */
final class RexTestPlanner {
    /** Sluice's parser settings (as in QueryPlanner). */
    private static final SqlParser.Config PARSER_CONFIG = SqlParser.config()
            .withQuoting(Quoting.DOUBLE_QUOTE)
            .withUnquotedCasing(Casing.UNCHANGED)
            .withQuotedCasing(Casing.UNCHANGED)
            .withCaseSensitive(false)
            .withConformance(SqlConformanceEnum.DEFAULT);
    private static final HepProgram TO_CALC = new HepProgramBuilder()
            .addRuleInstance(CoreRules.PROJECT_REMOVE)
            .addRuleCollection(List.of(CoreRules.FILTER_MERGE, CoreRules.PROJECT_MERGE))
            .addRuleCollection(List.of(CoreRules.FILTER_TO_CALC, CoreRules.PROJECT_TO_CALC))
            .addRuleCollection(List.of(CoreRules.CALC_MERGE, CoreRules.CALC_REMOVE))
            .build();

    /** The projections and condition of a planned query. */
    record Planned(List<RexNode> projections, Optional<RexNode> condition, RelDataType rowType) {
    }

    private RexTestPlanner() {
    }

    static Planned plan(RowSchema table, String sql) {
        SchemaPlus root = Frameworks.createRootSchema(true);
        root.add("t", new AbstractTable() {
            @Override
            public RelDataType getRowType(RelDataTypeFactory typeFactory) {
                RelDataTypeFactory.Builder builder = typeFactory.builder();
                for (Column c : table.columns()) {
                    builder.add(c.name(), TypeMapping.toRelDataType(c.type(), c.nullable(), typeFactory));
                }
                return builder.build();
            }
        });
        FrameworkConfig config = Frameworks.newConfigBuilder()
                .parserConfig(PARSER_CONFIG)
                .operatorTable(dev.sluice.planner.sql.SluiceOperators.TABLE)
                .defaultSchema(root)
                .sqlToRelConverterConfig(SqlToRelConverter.config().withExpand(false).withTrimUnusedFields(false))
                .build();
        Planner planner = Frameworks.getPlanner(config);
        try {
            SqlNode validated = planner.validate(planner.parse(sql));
            RelNode rel = planner.rel(validated).project();
            HepPlanner hep = new HepPlanner(TO_CALC);
            hep.setRoot(rel);
            RelNode optimised = hep.findBestExp();
            if (!(optimised instanceof Calc calc)) {
                throw new IllegalStateException("expected a Calc, got\n" + org.apache.calcite.plan.RelOptUtil.toString(optimised));
            }
            RexProgram program = calc.getProgram();
            List<RexNode> projections = program.getProjectList().stream().map(program::expandLocalRef).toList();
            Optional<RexNode> condition = Optional.ofNullable(program.getCondition()).map(program::expandLocalRef);
            return new Planned(projections, condition, calc.getRowType());
        } catch (Exception e) {
            throw new IllegalArgumentException("Can't plan " + sql + ": " + e.getMessage(), e);
        } finally {
            planner.close();
        }
    }
}
