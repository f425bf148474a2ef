package dev.sluice.api;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.util.ImmutableBitSet;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.tools.RelBuilder;

/**
 * A DataFrame grouped by keys ({@link DataFrame#groupBy}), waiting for its aggregates. A {@link Functions#window}
 * key gives two result columns, {@code window_start} and {@code window_end}, as
 * {@code TUMBLE_START}/{@code TUMBLE_END} do in SQL.
 */
public final class GroupedDataFrame {
    private final DataFrame input;
    private final List<Column> keys;

    GroupedDataFrame(DataFrame input, List<Column> keys) {
        this.input = requireNonNull(input, "input is null");
        this.keys = List.copyOf(keys);
        if (this.keys.stream().anyMatch(Column::isAggregate)) {
            throw new SluiceException("Can't group by an aggregate: " + this.keys);
        }
    }

    /** The keys, then one column per aggregate ({@link Functions#count}, {@link Functions#sum}...). */
    public DataFrame agg(Column... aggregates) {
        List<Column> aggs = List.of(aggregates);
        if (aggs.isEmpty()) {
            throw new SluiceException("agg needs at least one aggregate, e.g. count(\"*\")");
        }
        return input.derive(b -> {
            // As SQL is converted: project the keys first, then the input's columns, and aggregate over
            // that with keys 0..k-1, so the result has the keys in the order given, then the aggregates.
            ColumnScope scope = input.scope(b);
            List<RexNode> keyExprs = new ArrayList<>();
            for (Column k : keys) {
                keyExprs.add(k.toRex(scope));
            }
            List<RexNode> projected = new ArrayList<>(keyExprs);
            projected.addAll(b.fields());
            RelDataType inputType = b.peek().getRowType();
            b.project(projected);
            ColumnScope shifted = ColumnScope.of(b, input.alias(), inputType, keys.size());
            List<RelBuilder.AggCall> calls = new ArrayList<>();
            for (Column a : aggs) {
                calls.add(a.toAggCall(shifted));
            }
            b.aggregate(b.groupKey(ImmutableBitSet.range(keys.size())), calls);
            // Name the result columns, and give a window key its start and end (as SQL's TUMBLE_START/END).
            List<RexNode> out = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                Optional<Duration> window = keys.get(i).windowSize();
                RexNode key = b.field(i);
                if (window.isPresent()) {
                    out.add(key);
                    names.add("window_start");
                    out.add(b.call(SqlStdOperatorTable.DATETIME_PLUS, key,
                            ((org.apache.calcite.rex.RexCall) keyExprs.get(i)).getOperands().get(1)));
                    names.add("window_end");
                } else {
                    out.add(key);
                    names.add(keys.get(i).name());
                }
            }
            for (int j = 0; j < aggs.size(); j++) {
                out.add(b.field(keys.size() + j));
                names.add(aggs.get(j).name());
            }
            b.project(out, names);
        });
    }

    /** The keys and the number of rows of each group, as column {@code count}. */
    public DataFrame count() {
        return agg(Functions.count("*"));
    }
}
