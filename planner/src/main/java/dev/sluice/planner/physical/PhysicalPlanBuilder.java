package dev.sluice.planner.physical;

import dev.sluice.execution.aggregate.AggregateCall;
import dev.sluice.execution.aggregate.AggregateFunction;
import dev.sluice.execution.aggregate.AggregateFunctions;
import dev.sluice.execution.expr.ColumnRef;
import dev.sluice.execution.expr.PhysicalExpr;
import dev.sluice.execution.expr.ProcessingTime;
import dev.sluice.execution.expr.HopWindowStart;
import dev.sluice.execution.expr.SessionWindowTime;
import dev.sluice.execution.expr.TimestampPlusInterval;
import dev.sluice.execution.expr.TumbleWindowStart;
import dev.sluice.execution.plan.AggregateNode;
import dev.sluice.execution.plan.CumulateWindowNode;
import dev.sluice.execution.plan.FilterProjectNode;
import dev.sluice.execution.plan.IntervalBound;
import dev.sluice.execution.plan.JoinType;
import dev.sluice.execution.plan.LimitNode;
import dev.sluice.execution.plan.LookupJoinNode;
import dev.sluice.execution.plan.PhysicalNode;
import dev.sluice.execution.plan.OverAggregateNode;
import dev.sluice.execution.plan.ScanNode;
import dev.sluice.execution.plan.SortKey;
import dev.sluice.execution.plan.SortNode;
import dev.sluice.execution.plan.TopNNode;
import dev.sluice.execution.plan.WindowTopNNode;
import dev.sluice.execution.plan.StreamJoinNode;
import dev.sluice.execution.plan.TemporalJoinNode;
import dev.sluice.execution.plan.UnionAllNode;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.planner.PlanningException;
import dev.sluice.planner.catalog.CatalogTable;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Calc;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Minus;
import org.apache.calcite.rel.core.SetOp;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableFunctionScan;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.rel.core.Window;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexProgram;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * Turns Calcite's optimised relational plan (Calc, TableScan, Union, Sort with FETCH) into Sluice's
 * physical plan, pruning each scan to the columns its consumers use (so unused JSON fields are never
 * decoded).
 */
public final class PhysicalPlanBuilder {
    private final boolean streaming;
    private final Optional<Long> stateTtlMillis;
    /**
     * The SESSION window table functions converted so far, by the projection that stands for each (its input's
     * columns, then window_start and window_end), with their partition keys; a GROUP BY over one takes it into
     * a session aggregation ({@link #sessionAggregate}).
     */
    private final Map<FilterProjectNode, SessionTvf> sessionTvfs = new IdentityHashMap<>();
    /** The SESSION window table functions a GROUP BY took: every other one is refused. */
    private final Set<FilterProjectNode> aggregatedSessions = java.util.Collections.newSetFromMap(new IdentityHashMap<>());

    /**
     * A SESSION window table function: sessions of the rows of each partition key ({@code keys}, columns of its
     * input, passed on at the same positions) less than {@code gapMillis} apart.
     */
    private record SessionTvf(List<Integer> keys, long gapMillis, String text) {
    }

    private PhysicalPlanBuilder(boolean streaming, Optional<Long> stateTtlMillis) {
        this.streaming = streaming;
        this.stateTtlMillis = stateTtlMillis;
    }

    /**
     * @throws PlanningException naming the relational operator Sluice can't run yet
     */
    public static PhysicalNode build(RelNode rel, boolean streaming) {
        return build(rel, streaming, Optional.empty());
    }

    /**
     * The plan of {@code rel}; a join of two streams without a time bound keeps its rows for
     * {@code stateTtlMillis} (the {@code state.ttl} option), and is refused without one.
     *
     * @throws PlanningException naming the relational operator Sluice can't run yet
     */
    public static PhysicalNode build(RelNode rel, boolean streaming, Optional<Long> stateTtlMillis) {
        PhysicalPlanBuilder builder = new PhysicalPlanBuilder(streaming, stateTtlMillis);
        PhysicalNode plan = builder.convert(rel);
        for (Map.Entry<FilterProjectNode, SessionTvf> e : builder.sessionTvfs.entrySet()) {
            if (!builder.aggregatedSessions.contains(e.getKey())) {
                throw new PlanningException("The window table function " + e.getValue().text() + " needs a GROUP BY "
                        + "window_start, window_end (and its PARTITION BY columns) above it: a session's bounds are "
                        + "known only when its rows are aggregated (as in Flink)");
            }
        }
        return plan;
    }

    private PhysicalNode convert(RelNode rel) {
        if (rel instanceof TableScan scan) {
            CatalogTable table = table(scan);
            return new ScanNode(table.descriptor(), table.fullSchema());
        }
        if (rel instanceof Calc calc) {
            return convertCalc(calc);
        }
        if (rel instanceof Union union) {
            if (!union.all) {
                throw new PlanningException("UNION (distinct) is not supported yet; use UNION ALL");
            }
            List<PhysicalNode> inputs = new ArrayList<>();
            for (RelNode input : union.getInputs()) {
                inputs.add(convert(input));
            }
            return new UnionAllNode(inputs, TypeMapping.toRowSchema(union.getRowType()));
        }
        if (rel instanceof SetOp setOp && !(rel instanceof Union)) {
            // INTERSECT and EXCEPT (distinct) are rewritten into aggregates before this; their ALL forms are not.
            String name = rel instanceof Minus ? "EXCEPT" : "INTERSECT";
            throw new PlanningException(name + (setOp.all ? " ALL" : "") + " is not supported yet; " + name
                    + " (distinct) is" + (rel instanceof Minus ? ", on bounded queries" : ""));
        }
        if (rel instanceof Sort sort) {
            return convertSort(sort);
        }
        if (rel instanceof Join join) {
            return convertJoin(join);
        }
        if (rel instanceof TableFunctionScan function) {
            return convertWindowFunction(function);
        }
        if (rel instanceof Aggregate aggregate) {
            return convertAggregate(aggregate);
        }
        if (rel instanceof Window window) {
            return convertWindow(window, null);
        }
        throw new PlanningException("Operator " + rel.getRelTypeName().replace("Logical", "")
                + " is not supported yet");
    }

    /**
     * The same plan with its output columns named {@code names} (Calcite's rules drop projections that
     * only rename, so INSERT's target names are applied here).
     */
    public static PhysicalNode withNames(PhysicalNode root, List<String> names) {
        if (root.schema().names().equals(names)) {
            return root;
        }
        List<Column> columns = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            Column c = root.schema().column(i);
            columns.add(new Column(names.get(i), c.type(), c.nullable()));
        }
        RowSchema renamed = new RowSchema(columns);
        if (root instanceof FilterProjectNode fp) {
            return new FilterProjectNode(fp.input(), fp.filter(), fp.projections(), renamed);
        }
        List<PhysicalExpr> refs = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            refs.add(new ColumnRef(i, columns.get(i).type()));
        }
        return new FilterProjectNode(root, Optional.empty(), refs, renamed);
    }

    private PhysicalNode convertAggregate(Aggregate aggregate) {
        if (aggregate.getGroupType() != Aggregate.Group.SIMPLE) {
            throw new PlanningException("GROUPING SETS, ROLLUP and CUBE are not supported yet");
        }
        List<Integer> keys = aggregate.getGroupSet().asList();
        List<org.apache.calcite.rel.core.AggregateCall> calls = aggregate.getAggCallList();
        PhysicalNode input;
        int[] newIndex;
        if (aggregate.getInput() instanceof TableScan scan) {
            // Read only the grouped and aggregated columns.
            CatalogTable table = table(scan);
            ImmutableBitSet.Builder used = ImmutableBitSet.builder().addAll(keys);
            calls.forEach(c -> used.addAll(c.getArgList()));
            newIndex = new int[table.fullSchema().size()];
            List<Column> columns = new ArrayList<>();
            for (int i : withEventTime(used.build(), table)) {
                newIndex[i] = columns.size();
                columns.add(table.fullSchema().column(i));
            }
            input = new ScanNode(table.descriptor(), new RowSchema(columns));
        } else {
            input = convert(aggregate.getInput());
            newIndex = java.util.stream.IntStream.range(0, input.schema().size()).toArray();
        }
        List<String> names = aggregate.getRowType().getFieldNames();
        List<AggregateCall> physical = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            physical.add(aggregateCall(calls.get(i), names.get(keys.size() + i), input.schema(), newIndex));
        }
        List<Integer> groupKeys = keys.stream().map(k -> newIndex[k]).toList();
        RowSchema schema = TypeMapping.toRowSchema(aggregate.getRowType());
        Optional<PhysicalNode> session = sessionAggregate(input, groupKeys, physical, schema);
        if (session.isPresent()) {
            return session.get();
        }
        return new AggregateNode(input, groupKeys, physical, schema, window(input, groupKeys));
    }

    /**
     * A GROUP BY over the SESSION window table function ({@code GROUP BY window_start, window_end, k} over
     * {@code SESSION(TABLE t PARTITION BY k, DESCRIPTOR(ts), gap)}): a session aggregation by the partition keys,
     * whose window_start is the session's first event time and whose window_end its last plus the gap, computed
     * from a MAX of the rows' times (a row's window_start before its session is known); as Flink, the other keys
     * must be exactly the partition keys. Empty if the GROUP BY is not over one.
     */
    private Optional<PhysicalNode> sessionAggregate(PhysicalNode input, List<Integer> groupKeys, List<AggregateCall> calls,
                                                    RowSchema schema) {
        FilterProjectNode tvf = null;
        int startKey = -1;
        int endKey = -1;
        List<Integer> others = new ArrayList<>();
        List<Integer> otherSources = new ArrayList<>();
        for (int k = 0; k < groupKeys.size(); k++) {
            int[] traced = {groupKeys.get(k)};
            FilterProjectNode found = traceToSession(input, traced);
            if (found != null && traced[0] == found.schema().size() - 2) {
                startKey = k;
                tvf = found;
            } else if (found != null && traced[0] == found.schema().size() - 1) {
                endKey = k;
                tvf = found;
            } else {
                others.add(k);
                otherSources.add(found == null ? -1 : traced[0]);
            }
        }
        if (tvf == null) {
            return Optional.empty();
        }
        SessionTvf session = sessionTvfs.get(tvf);
        if (startKey < 0 || !new java.util.HashSet<>(otherSources).equals(new java.util.HashSet<>(session.keys()))
                || otherSources.size() != session.keys().size()) {
            RowSchema tvfSchema = tvf.schema();
            List<String> partition = session.keys().stream().map(i -> tvfSchema.column(i).name()).toList();
            throw new PlanningException("A GROUP BY over " + session.text() + " must group by window_start, window_end "
                    + (partition.isEmpty() ? "and nothing else (the sessions are over all rows; PARTITION BY the "
                    + "columns to group by)" : "and its PARTITION BY columns " + partition + ", no other"));
        }
        aggregatedSessions.add(tvf);
        // Sessions per partition key: the aggregation's keys without window_end, and the last row's time.
        List<Integer> keys = new ArrayList<>();
        for (int k = 0; k < groupKeys.size(); k++) {
            if (k != endKey) {
                keys.add(groupKeys.get(k));
            }
        }
        int start = groupKeys.get(startKey);
        List<AggregateCall> withLast = new ArrayList<>(calls);
        withLast.add(new AggregateCall(AggregateFunctions.lookup("MAX", true, false), start, ColumnType.TIMESTAMP,
                "$session_last", ColumnType.TIMESTAMP));
        List<Column> columns = new ArrayList<>();
        for (int k : keys) {
            columns.add(input.schema().column(k));
        }
        calls.forEach(c -> columns.add(new Column(c.name(), c.resultType(), true)));
        columns.add(new Column("$session_last", ColumnType.TIMESTAMP, true));
        int startInKeys = keys.indexOf(start);
        AggregateNode sessions = new AggregateNode(input, keys, withLast, new RowSchema(columns),
                Optional.of(AggregateNode.Window.session(startInKeys, session.gapMillis())));
        // Back to the GROUP BY's columns: window_end is the last row's time plus the gap.
        List<PhysicalExpr> projections = new ArrayList<>();
        int last = columns.size() - 1;
        for (int k = 0; k < groupKeys.size(); k++) {
            if (k == endKey) {
                projections.add(new TimestampPlusInterval(new ColumnRef(last, "$session_last", ColumnType.TIMESTAMP),
                        session.gapMillis()));
            } else {
                int at = keys.indexOf(groupKeys.get(k));
                projections.add(new ColumnRef(at, columns.get(at).name(), columns.get(at).type()));
            }
        }
        for (int i = 0; i < calls.size(); i++) {
            int at = keys.size() + i;
            projections.add(new ColumnRef(at, columns.get(at).name(), columns.get(at).type()));
        }
        return Optional.of(new FilterProjectNode(sessions, Optional.empty(), projections, schema));
    }

    /**
     * Follows column {@code column[0]} of {@code node} down through projections that pass it on, to a SESSION window
     * table function's projection: returns it (with {@code column[0]} its column there), or null.
     */
    private FilterProjectNode traceToSession(PhysicalNode node, int[] column) {
        PhysicalNode current = node;
        while (current instanceof FilterProjectNode fp) {
            if (sessionTvfs.containsKey(fp)) {
                return fp;
            }
            if (!(fp.projections().get(column[0]) instanceof ColumnRef ref)) {
                return null;
            }
            column[0] = ref.index();
            current = fp.input();
        }
        return null;
    }

    /**
     * The window among the group keys: a key computed by TUMBLE, HOP or SESSION in the projections below
     * (the table-valued form's {@code window_start}, whose {@code window_end} may be a key too).
     */
    private static Optional<AggregateNode.Window> window(PhysicalNode input, List<Integer> groupKeys) {
        Optional<AggregateNode.Window> window = cumulateWindow(input, groupKeys);
        if (window.isPresent()) {
            return window;
        }
        for (int k = 0; k < groupKeys.size() && window.isEmpty(); k++) {
            PhysicalExpr key = resolve(input, groupKeys.get(k));
            if (key instanceof TumbleWindowStart tumble) {
                window = Optional.of(new AggregateNode.Window(k, tumble.sizeMillis()));
            } else if (key instanceof HopWindowStart hop) {
                window = Optional.of(new AggregateNode.Window(k, hop.sizeMillis(), hop.slideMillis()));
            } else if (key instanceof SessionWindowTime session) {
                window = Optional.of(AggregateNode.Window.session(k, session.gapMillis()));
            }
        }
        for (int k = 0; k < groupKeys.size() && window.isEmpty(); k++) {
            Optional<AggregateNode.Window> upstream = windowStartOf(input, groupKeys.get(k));
            if (upstream.isPresent()) {
                // Grouping by an earlier window aggregate's window_start: each row is one window's result,
                // final once emitted, so this is a window of the same size, one per row.
                window = Optional.of(new AggregateNode.Window(k, upstream.get().millis()));
                for (int e = 0; e < groupKeys.size(); e++) {
                    if (windowEndOf(input, groupKeys.get(e)).isPresent()) {
                        window = Optional.of(window.get().withEndKey(e));
                    }
                }
                return window;
            }
        }
        if (window.isPresent() && !window.get().session() && overProcessingTime(input, groupKeys.get(window.get().key()))) {
            window = Optional.of(window.get().overProcessingTime());
        }
        if (window.isPresent()) {
            PhysicalExpr start = resolve(input, groupKeys.get(window.get().key()));
            for (int k = 0; k < groupKeys.size(); k++) {
                if (resolve(input, groupKeys.get(k)) instanceof TimestampPlusInterval end
                        && end.children().get(0).toString().equals(start.toString())) {
                    return Optional.of(window.get().withEndKey(k));
                }
            }
        }
        return window;
    }

    /**
     * The window of the tumbling or hopping window aggregation whose {@code window_start} column {@code column}
     * of {@code node} is (through projections that pass it on), if it is one.
     */
    private static Optional<AggregateNode.Window> windowStartOf(PhysicalNode node, int column) {
        return windowColumnOf(node, column, true);
    }

    /** As {@link #windowStartOf}, for the aggregation's {@code window_end} column. */
    private static Optional<AggregateNode.Window> windowEndOf(PhysicalNode node, int column) {
        return windowColumnOf(node, column, false);
    }

    private static Optional<AggregateNode.Window> windowColumnOf(PhysicalNode node, int column, boolean start) {
        PhysicalNode current = node;
        int index = column;
        while (current instanceof FilterProjectNode fp) {
            if (!(fp.projections().get(index) instanceof ColumnRef ref)) {
                return Optional.empty();
            }
            index = ref.index();
            current = fp.input();
        }
        if (current instanceof AggregateNode agg && agg.window().isPresent() && !agg.window().get().session()) {
            AggregateNode.Window w = agg.window().get();
            // CUMULATE windows share their start and close at their ends: only window_end tells one apart.
            if (start ? index == w.key() && !w.cumulative() : index == w.endKey()) {
                return Optional.of(w);
            }
        }
        return Optional.empty();
    }

    /** Whether column {@code column} of {@code node} is {@code PROCTIME()} (through projections passing it on). */
    private static boolean isProcessingTime(PhysicalNode node, int column) {
        PhysicalNode current = node;
        int index = column;
        while (current instanceof FilterProjectNode fp) {
            PhysicalExpr expr = fp.projections().get(index);
            if (expr instanceof ProcessingTime) {
                return true;
            }
            if (!(expr instanceof ColumnRef ref)) {
                return false;
            }
            index = ref.index();
            current = fp.input();
        }
        return false;
    }

    /**
     * Whether the tumbling or hopping window start in column {@code column} of {@code node} is of {@code PROCTIME()}
     * (directly, or a column computed as it further down).
     */
    private static boolean overProcessingTime(PhysicalNode node, int column) {
        PhysicalNode current = node;
        PhysicalExpr expr = null;
        int index = column;
        while (current instanceof FilterProjectNode fp) {
            expr = fp.projections().get(index);
            if (!(expr instanceof ColumnRef ref)) {
                break;
            }
            index = ref.index();
            current = fp.input();
        }
        PhysicalExpr time = expr instanceof TumbleWindowStart t ? t.timestamp()
                : expr instanceof HopWindowStart h ? h.timestamp() : null;
        if (time == null || !(current instanceof FilterProjectNode fp)) {
            return false;
        }
        current = fp.input();
        while (time instanceof ColumnRef ref && current instanceof FilterProjectNode below) {
            time = below.projections().get(ref.index());
            current = below.input();
        }
        return time instanceof ProcessingTime;
    }

    /** The expression behind column {@code column} of {@code node}, through projections that only pass it on. */
    private static PhysicalExpr resolve(PhysicalNode node, int column) {
        PhysicalNode current = node;
        int index = column;
        while (current instanceof FilterProjectNode fp) {
            PhysicalExpr expr = fp.projections().get(index);
            if (!(expr instanceof ColumnRef ref) || !(fp.input() instanceof FilterProjectNode)) {
                return expr;
            }
            index = ref.index();
            current = fp.input();
        }
        return null;
    }

    /**
     * The table-valued windows {@code TUMBLE(TABLE t, DESCRIPTOR(ts), size)} and
     * {@code HOP(TABLE t, DESCRIPTOR(ts), slide, size)}: the input's columns, then {@code window_start}
     * and {@code window_end}.
     */
    private PhysicalNode convertWindowFunction(TableFunctionScan function) {
        String name = function.getCall() instanceof RexCall c ? c.getOperator().getName().toUpperCase(Locale.ROOT) : "";
        if (!(function.getCall() instanceof RexCall call) || function.getInputs().size() != 1
                || (!name.equals("TUMBLE") && !name.equals("HOP") && !name.equals("SESSION")
                && !name.equals("CUMULATE"))) {
            throw new PlanningException("Table function " + function.getCall() + " is not supported (the window "
                    + "functions TUMBLE, HOP, CUMULATE and SESSION are)");
        }
        PhysicalNode input = convert(function.getInput(0));
        RexCall descriptor = (RexCall) call.getOperands().get(0);
        int timeColumn = ((RexInputRef) descriptor.getOperands().get(0)).getIndex();
        Column time = input.schema().column(timeColumn);
        PhysicalExpr ts = new ColumnRef(timeColumn, time.name(), time.type());
        if (name.equals("SESSION")) {
            return sessionWindows(function, call, input, ts);
        }
        if (name.equals("CUMULATE")) {
            return cumulateWindows(function, call, input, timeColumn);
        }
        long first = RexToPhysicalExpr.intervalMillis(call.getOperands().get(1), call);
        PhysicalExpr start;
        long size;
        try {
            if (name.equals("TUMBLE")) {
                size = first;
                start = new TumbleWindowStart(ts, size, 0);
            } else {
                size = RexToPhysicalExpr.intervalMillis(call.getOperands().get(2), call);
                start = new HopWindowStart(ts, first, size, 0);
            }
        } catch (IllegalArgumentException e) {
            throw new PlanningException(e.getMessage() + " (in " + call + ")", e);
        }
        List<PhysicalExpr> projections = new ArrayList<>(columnRefs(input.schema()));
        projections.add(start);
        projections.add(new TimestampPlusInterval(start, size));
        return new FilterProjectNode(input, Optional.empty(), projections,
                TypeMapping.toRowSchema(function.getRowType()));
    }

    /**
     * {@code SESSION(TABLE t [PARTITION BY k], DESCRIPTOR(ts), gap)} (Calcite's form: {@code DESCRIPTOR(k)} before
     * the gap): the input's columns, then window_start and window_end, which the GROUP BY above makes the session's
     * bounds; until then both are the row's time (and that plus the gap).
     */
    private PhysicalNode sessionWindows(TableFunctionScan function, RexCall call, PhysicalNode input, PhysicalExpr ts) {
        List<RexNode> operands = call.getOperands();
        List<Integer> keys = new ArrayList<>();
        if (operands.size() == 3) {
            for (RexNode key : ((RexCall) operands.get(1)).getOperands()) {
                keys.add(((RexInputRef) key).getIndex());
            }
        }
        long gap = RexToPhysicalExpr.intervalMillis(operands.get(operands.size() - 1), call);
        if (isProcessingTime(input, ((ColumnRef) ts).index())) {
            throw new PlanningException("SESSION windows over PROCTIME() are not supported yet; use an event time "
                    + "(a column with a WATERMARK): " + call);
        }
        PhysicalExpr start;
        try {
            start = new SessionWindowTime(ts, gap);
        } catch (IllegalArgumentException e) {
            throw new PlanningException(e.getMessage() + " (in " + call + ")", e);
        }
        List<PhysicalExpr> projections = new ArrayList<>(columnRefs(input.schema()));
        projections.add(start);
        projections.add(new TimestampPlusInterval(start, gap));
        FilterProjectNode node = new FilterProjectNode(input, Optional.empty(), projections,
                TypeMapping.toRowSchema(function.getRowType()));
        List<String> keyNames = keys.stream().map(k -> input.schema().column(k).name()).toList();
        sessionTvfs.put(node, new SessionTvf(keys, gap, "SESSION(TABLE ..." + (keys.isEmpty() ? ""
                : " PARTITION BY " + String.join(", ", keyNames)) + ", DESCRIPTOR(" + ((ColumnRef) ts).name() + "), "
                + gap + " ms)"));
        return node;
    }

    /**
     * {@code CUMULATE(TABLE t, DESCRIPTOR(ts), step, size)}: each row once per cumulating window it is in, with the
     * window's bounds ({@link CumulateWindowNode}).
     */
    private PhysicalNode cumulateWindows(TableFunctionScan function, RexCall call, PhysicalNode input, int timeColumn) {
        long step = RexToPhysicalExpr.intervalMillis(call.getOperands().get(1), call);
        long size = RexToPhysicalExpr.intervalMillis(call.getOperands().get(2), call);
        try {
            return new CumulateWindowNode(input, timeColumn, step, size, TypeMapping.toRowSchema(function.getRowType()));
        } catch (IllegalArgumentException e) {
            throw new PlanningException(e.getMessage() + " (in " + call + ")", e);
        }
    }

    /**
     * The CUMULATE window among the group keys: keys that are (through projections passing them on) the
     * window_start and window_end of a {@link CumulateWindowNode}; both must be keys, as Flink requires.
     */
    private static Optional<AggregateNode.Window> cumulateWindow(PhysicalNode input, List<Integer> groupKeys) {
        int start = -1;
        int end = -1;
        CumulateWindowNode windows = null;
        for (int k = 0; k < groupKeys.size(); k++) {
            PhysicalNode current = input;
            int index = groupKeys.get(k);
            while (current instanceof FilterProjectNode fp && fp.projections().get(index) instanceof ColumnRef ref) {
                index = ref.index();
                current = fp.input();
            }
            if (current instanceof CumulateWindowNode c) {
                if (index == c.schema().size() - 2) {
                    start = k;
                    windows = c;
                } else if (index == c.schema().size() - 1) {
                    end = k;
                    windows = c;
                }
            }
        }
        if (windows == null) {
            return Optional.empty();
        }
        if (start < 0 || end < 0) {
            throw new PlanningException("A GROUP BY over CUMULATE windows must group by both window_start and "
                    + "window_end (the windows share their start)");
        }
        AggregateNode.Window window = AggregateNode.Window.cumulate(start, end, windows.stepMillis(), windows.sizeMillis());
        return Optional.of(isProcessingTime(windows.input(), windows.timeColumn()) ? window.overProcessingTime() : window);
    }

    private static AggregateCall aggregateCall(org.apache.calcite.rel.core.AggregateCall call, String name,
                                               RowSchema input, int[] newIndex) {
        if (call.filterArg >= 0) {
            throw new PlanningException("Aggregate FILTER (WHERE ...) is not supported yet: " + call);
        }
        if (call.getArgList().size() > 1) {
            throw new PlanningException("Aggregate " + call + " with several arguments is not supported yet");
        }
        boolean hasArgument = !call.getArgList().isEmpty();
        AggregateFunction function;
        try {
            function = AggregateFunctions.lookup(call.getAggregation().getName(), hasArgument, call.isDistinct());
        } catch (IllegalArgumentException e) {
            throw new PlanningException(e.getMessage() + ": " + call, e);
        }
        int argument = hasArgument ? newIndex[call.getArgList().get(0)] : -1;
        try {
            return new AggregateCall(function, argument, hasArgument ? input.column(argument).type() : null, name,
                    TypeMapping.toColumnType(call.getType()));
        } catch (IllegalArgumentException e) {
            throw new PlanningException(e.getMessage(), e);
        }
    }

    private PhysicalNode convertSort(Sort sort) {
        boolean ordered = !sort.getCollation().getFieldCollations().isEmpty();
        if (streaming && ordered) {
            throw new PlanningException("ORDER BY is only supported on bounded queries (SELECT without STREAM): a "
                    + "stream has no last row to sort up to; rank rows within groups with ROW_NUMBER() OVER "
                    + "(PARTITION BY ... ORDER BY ...) and a filter on it instead");
        }
        if (streaming) {
            throw new PlanningException("LIMIT and OFFSET are only supported on bounded queries (SELECT without STREAM)");
        }
        long offset = sort.offset == null ? 0 : literalLong(sort.offset, "OFFSET");
        long fetch = sort.fetch == null ? Long.MAX_VALUE : literalLong(sort.fetch, "LIMIT");
        PhysicalNode input = convert(sort.getInput());
        if (ordered) {
            return new SortNode(input, sortKeys(sort.getCollation().getFieldCollations()), offset, fetch);
        }
        return new LimitNode(input, offset, fetch);
    }

    private static List<SortKey> sortKeys(List<RelFieldCollation> collations) {
        List<SortKey> keys = new ArrayList<>();
        for (RelFieldCollation c : collations) {
            RelFieldCollation.NullDirection nulls = c.nullDirection == RelFieldCollation.NullDirection.UNSPECIFIED
                    ? c.direction.defaultNullDirection() : c.nullDirection;
            keys.add(new SortKey(c.getFieldIndex(), c.direction.isDescending(),
                    nulls == RelFieldCollation.NullDirection.FIRST));
        }
        return keys;
    }

    /** A window function: a rank (a Top-N, with the filter above) or aggregates over a frame (an OVER aggregation). */
    private PhysicalNode convertWindow(Window window, RexNode condition) {
        boolean ranks = window.groups.stream().flatMap(g -> g.aggCalls.stream()).anyMatch(c -> switch (
                c.getOperator().getKind()) {
            case ROW_NUMBER, RANK, DENSE_RANK -> true;
            default -> false;
        });
        return ranks ? convertTopN(window, condition) : convertOver(window);
    }

    /**
     * {@code agg(x) OVER (PARTITION BY ... ORDER BY t {RANGE|ROWS} BETWEEN ... PRECEDING AND CURRENT ROW)}: one
     * window (PARTITION BY and ORDER BY) for all the OVER aggregates of the SELECT, ordered by one TIMESTAMP
     * column ascending, the frame ending at the current row.
     */
    private PhysicalNode convertOver(Window window) {
        if (window.groups.size() != 1) {
            throw new PlanningException("OVER aggregations over different windows in one SELECT are not supported "
                    + "yet; use one PARTITION BY / ORDER BY / frame for all of them");
        }
        Window.Group group = window.groups.get(0);
        List<RelFieldCollation> order = group.orderKeys.getFieldCollations();
        if (order.size() != 1 || order.get(0).direction.isDescending()) {
            throw new PlanningException("An OVER aggregation needs ORDER BY one time column, ascending (its frame "
                    + "reaches back in time from each row)");
        }
        if (!group.upperBound.isCurrentRow()) {
            throw new PlanningException("An OVER aggregation's frame must end at the CURRENT ROW (a frame reaching "
                    + "into rows to come is not supported)");
        }
        int inputWidth = window.getInput().getRowType().getFieldCount();
        long preceding = -1;
        if (!group.lowerBound.isUnbounded()) {
            if (group.lowerBound.isCurrentRow()) {
                preceding = 0;
            } else {
                RexNode offset = group.lowerBound.getOffset();
                RexLiteral literal = offset instanceof RexInputRef ref && ref.getIndex() >= inputWidth
                        ? window.constants.get(ref.getIndex() - inputWidth) : offset instanceof RexLiteral l ? l : null;
                Long value = literal == null ? null : literal.getValueAs(Long.class);
                if (value == null) {
                    throw new PlanningException("An OVER frame must start a constant number of rows or a constant "
                            + "interval before the current row: " + group.lowerBound);
                }
                preceding = value;
            }
        }
        PhysicalNode input = convert(window.getInput());
        int orderColumn = order.get(0).getFieldIndex();
        if (streaming && !hasWatermark(input)) {
            throw new PlanningException("An OVER aggregation on a stream needs a WATERMARK on its table: a row is "
                    + "emitted when the watermark says no row of its frame can come any more");
        }
        List<String> names = window.getRowType().getFieldNames();
        List<AggregateCall> calls = new ArrayList<>();
        for (int i = 0; i < group.aggCalls.size(); i++) {
            Window.RexWinAggCall call = group.aggCalls.get(i);
            if (call.getOperands().size() > 1 || call.getOperands().stream().anyMatch(o -> !(o instanceof RexInputRef))) {
                throw new PlanningException("OVER aggregate " + call + " must take one column (or none)");
            }
            boolean hasArgument = !call.getOperands().isEmpty();
            int argument = hasArgument ? ((RexInputRef) call.getOperands().get(0)).getIndex() : -1;
            try {
                AggregateFunction function = AggregateFunctions.lookup(call.getOperator().getName(), hasArgument,
                        call.distinct);
                calls.add(new AggregateCall(function, argument, hasArgument ? input.schema().column(argument).type()
                        : null, names.get(inputWidth + i), TypeMapping.toColumnType(call.getType())));
            } catch (IllegalArgumentException e) {
                throw new PlanningException(e.getMessage() + ": " + call, e);
            }
        }
        try {
            return new OverAggregateNode(input, group.keys.asList(), orderColumn, group.isRows, preceding, calls,
                    TypeMapping.toRowSchema(window.getRowType()));
        } catch (IllegalArgumentException e) {
            throw new PlanningException(e.getMessage(), e);
        }
    }

    /**
     * A Top-N: {@code ROW_NUMBER() / RANK() / DENSE_RANK() OVER (PARTITION BY ... ORDER BY ...)} under a filter
     * {@code condition} that bounds the rank ({@code rn <= N}, {@code rn < N} or {@code rn = N}), as Flink plans
     * it. Other window functions (OVER aggregations, a rank without a bound) are not supported yet.
     */
    private PhysicalNode convertTopN(Window window, RexNode condition) {
        if (window.groups.size() != 1 || window.groups.get(0).aggCalls.size() != 1) {
            throw new PlanningException("Window functions (OVER) are only supported as one ROW_NUMBER(), RANK() or "
                    + "DENSE_RANK() filtered to its first ranks (a Top-N) yet");
        }
        Window.Group group = window.groups.get(0);
        Window.RexWinAggCall call = group.aggCalls.get(0);
        TopNNode.RankFunction function = switch (call.getOperator().getKind()) {
            case ROW_NUMBER -> TopNNode.RankFunction.ROW_NUMBER;
            case RANK -> TopNNode.RankFunction.RANK;
            case DENSE_RANK -> TopNNode.RankFunction.DENSE_RANK;
            default -> throw new PlanningException("Window function " + call.getOperator().getName() + " OVER (...) is "
                    + "not supported yet; ROW_NUMBER(), RANK() and DENSE_RANK() filtered to their first ranks are");
        };
        int rank = window.getInput().getRowType().getFieldCount();
        Long limit = condition == null ? null : rankLimit(condition, rank);
        if (limit == null) {
            throw new PlanningException(function + "() OVER (...) needs a filter on it that keeps its first ranks, "
                    + "e.g. WHERE rn <= 3 (a Top-N); a rank over the whole result is not supported yet");
        }
        if (group.orderKeys.getFieldCollations().isEmpty()) {
            throw new PlanningException(function + "() OVER (...) needs an ORDER BY to rank by");
        }
        PhysicalNode input = convert(window.getInput());
        List<Integer> partition = group.keys.asList();
        boolean windowed = partition.stream().anyMatch(p -> windowStartOf(input, p).isPresent()
                || windowEndOf(input, p).isPresent());
        List<Column> columns = new ArrayList<>(input.schema().columns());
        columns.add(new Column(window.getRowType().getFieldNames().get(rank), ColumnType.BIGINT, false));
        Optional<long[]> tvfWindow = windowed || !streaming ? Optional.empty() : tvfWindowOf(input, partition);
        if (tvfWindow.isPresent()) {
            // Partitioned by the window of a window table function: each window's top, once, when it closes.
            boolean processingTime = tvfWindow.get()[2] == 1;
            if (!processingTime && !hasWatermark(input)) {
                throw new PlanningException("A Top-N per window of a window table function needs a WATERMARK on its "
                        + "table: a window's top is emitted when the watermark passes the window's end");
            }
            try {
                return new WindowTopNNode(input, partition, sortKeys(group.orderKeys.getFieldCollations()), function,
                        limit, (int) tvfWindow.get()[0], tvfWindow.get()[1], processingTime, new RowSchema(columns));
            } catch (IllegalArgumentException e) {
                throw new PlanningException(e.getMessage(), e);
            }
        }
        try {
            return new TopNNode(input, partition, sortKeys(group.orderKeys.getFieldCollations()), function, limit,
                    windowed, new RowSchema(columns));
        } catch (IllegalArgumentException e) {
            throw new PlanningException(e.getMessage(), e);
        }
    }

    /**
     * The window among the partition columns of a Top-N whose input comes from a window table function (TUMBLE,
     * HOP or CUMULATE): {position among the partition columns, delay, 1 if over PROCTIME() else 0}, where the window
     * ends {@code delay} ms after that column's value (its window_end: 0; a TUMBLE or HOP window_start: the size).
     * Empty if none; a
     * CUMULATE window_start alone does not tell its windows apart, so it does not count.
     */
    private static Optional<long[]> tvfWindowOf(PhysicalNode input, List<Integer> partition) {
        Optional<long[]> found = Optional.empty();
        for (int k = 0; k < partition.size(); k++) {
            PhysicalNode current = input;
            int index = partition.get(k);
            PhysicalExpr expr = null;
            while (current instanceof FilterProjectNode fp) {
                expr = fp.projections().get(index);
                if (!(expr instanceof ColumnRef ref)) {
                    break;
                }
                index = ref.index();
                current = fp.input();
                expr = null;
            }
            long delay = -1;
            PhysicalExpr start = expr instanceof TimestampPlusInterval end ? end.children().get(0) : expr;
            PhysicalExpr time = start instanceof TumbleWindowStart t ? t.timestamp()
                    : start instanceof HopWindowStart h ? h.timestamp() : null;
            boolean processingTime = false;
            if (time != null) {
                delay = expr instanceof TumbleWindowStart t ? t.sizeMillis()
                        : expr instanceof HopWindowStart h ? h.sizeMillis() : 0;
                PhysicalNode below = ((FilterProjectNode) current).input();
                processingTime = time instanceof ProcessingTime
                        || time instanceof ColumnRef ref && isProcessingTime(below, ref.index());
            } else if (expr == null && current instanceof CumulateWindowNode c && index == c.schema().size() - 1) {
                delay = 0;
                processingTime = isProcessingTime(c.input(), c.timeColumn());
            }
            if (delay >= 0 && (found.isEmpty() || delay < found.get()[1])) {
                found = Optional.of(new long[] {k, delay, processingTime ? 1 : 0});
            }
        }
        return found;
    }

    /** The largest rank {@code condition} keeps, from a conjunct {@code rank <= N}, {@code rank < N} or {@code rank = N}. */
    private static Long rankLimit(RexNode condition, int rank) {
        Long limit = null;
        for (RexNode conjunct : RelOptUtil.conjunctions(condition)) {
            if (!(conjunct instanceof RexCall call) || call.getOperands().size() != 2) {
                continue;
            }
            RexNode a = call.getOperands().get(0);
            RexNode b = call.getOperands().get(1);
            SqlKind kind = call.getKind();
            if (b instanceof RexInputRef && a instanceof RexLiteral) {
                RexNode t = a;
                a = b;
                b = t;
                kind = kind.reverse();
            }
            if (!(a instanceof RexInputRef ref) || ref.getIndex() != rank || !(b instanceof RexLiteral literal)) {
                continue;
            }
            Long n = literal.getValueAs(Long.class);
            if (n == null) {
                continue;
            }
            Long bound = switch (kind) {
                case LESS_THAN_OR_EQUAL, EQUALS -> n;
                case LESS_THAN -> n - 1;
                default -> null;
            };
            if (bound != null) {
                limit = limit == null ? bound : Math.min(limit, bound);
            }
        }
        return limit;
    }

    private static long literalLong(RexNode node, String clause) {
        if (node instanceof RexLiteral literal) {
            Long value = literal.getValueAs(Long.class);
            if (value != null) {
                return value;
            }
        }
        throw new PlanningException(clause + " must be a constant number, found " + node);
    }

    private PhysicalNode convertCalc(Calc calc) {
        RexProgram program = calc.getProgram();
        RexNode condition = program.getCondition() == null ? null : program.expandLocalRef(program.getCondition());
        List<RexNode> projects = program.getProjectList().stream().map(program::expandLocalRef).toList();
        RowSchema output = TypeMapping.toRowSchema(calc.getRowType());

        PhysicalNode input;
        RowSchema inputSchema;
        if (calc.getInput() instanceof TableScan scan) {
            // Read only the columns the expressions use, renumbering the references.
            CatalogTable table = table(scan);
            List<RexNode> all = new ArrayList<>(projects);
            if (condition != null) {
                all.add(condition);
            }
            ImmutableBitSet used = withEventTime(RelOptUtil.InputFinder.bits(all, null), table);
            int[] newIndex = new int[table.fullSchema().size()];
            List<Column> columns = new ArrayList<>();
            for (int i : used) {
                newIndex[i] = columns.size();
                columns.add(table.fullSchema().column(i));
            }
            RexShuttle renumber = new RexShuttle() {
                @Override
                public RexNode visitInputRef(RexInputRef ref) {
                    return new RexInputRef(newIndex[ref.getIndex()], ref.getType());
                }
            };
            projects = projects.stream().map(p -> p.accept(renumber)).toList();
            condition = condition == null ? null : condition.accept(renumber);
            inputSchema = new RowSchema(columns);
            input = new ScanNode(table.descriptor(), inputSchema);
            if (condition == null && inputSchema.equals(output) && isIdentity(projects)) {
                return input;  // the scan already yields exactly these columns
            }
        } else if (calc.getInput() instanceof Window window) {
            // The filter on the rank stays: it keeps exactly the rows the Top-N emits.
            input = convertWindow(window, condition);
            inputSchema = input.schema();
        } else {
            input = convert(calc.getInput());
            inputSchema = input.schema();
        }
        Optional<PhysicalExpr> filter = Optional.ofNullable(condition)
                .map(c -> RexToPhysicalExpr.convert(c, inputSchema));
        List<PhysicalExpr> exprs = new ArrayList<>();
        for (RexNode p : projects) {
            exprs.add(RexToPhysicalExpr.convert(p, inputSchema));
        }
        return new FilterProjectNode(input, filter, exprs, output);
    }

    /**
     * A join. On a stream, with a static side ({@code 'static'='true'}): a lookup join, the stream's rows probing
     * the static side, read whole each batch (INNER, or the stream's side kept: LEFT, or RIGHT with the static
     * table on the left). Of two streams: a {@link StreamJoinNode}, bounded by their event times or a state TTL.
     * On a bounded query: a lookup join for INNER and LEFT, else a {@link StreamJoinNode} over the whole input.
     */
    private PhysicalNode convertJoin(Join join) {
        JoinType type = joinType(join);
        JoinInfo info = join.analyzeCondition();
        if (info.leftKeys.isEmpty()) {
            throw new PlanningException("A join needs at least one equality between the two sides' columns in its "
                    + "ON clause: " + join.getCondition());
        }
        RexNode remaining = info.getRemaining(join.getCluster().getRexBuilder());
        PhysicalNode left = convert(join.getLeft());
        PhysicalNode right = convert(join.getRight());
        RowSchema schema = TypeMapping.toRowSchema(join.getRowType());
        boolean leftStatic = isStatic(left);
        boolean rightStatic = isStatic(right);
        if (streaming && !leftStatic && !rightStatic) {
            return streamJoin(join, type, info, remaining, left, right, schema);
        }
        boolean lookup = type == JoinType.INNER || (type == JoinType.LEFT && remaining.isAlwaysTrue());
        boolean semiOrAnti = type == JoinType.SEMI || type == JoinType.ANTI;
        if (streaming && rightStatic && semiOrAnti) {
            // IN / EXISTS / NOT EXISTS over a static table: each stream row probes it.
            if (!remaining.isAlwaysTrue()) {
                throw new PlanningException("The condition of " + article(type).replaceFirst("^A", "a") + " with the "
                        + "static table " + tableNames(right) + " may only compare columns for equality yet: "
                        + remaining);
            }
            return new LookupJoinNode(left, right, info.leftKeys, info.rightKeys, type, schema,
                    versionKey(right, info.rightKeys).orElse(List.of()));
        }
        if (!streaming && !lookup) {
            // Over the whole input at once: rows without a match are known at its end.
            Optional<IntervalBound> bound = Optional.empty();
            if (!remaining.isAlwaysTrue()) {
                bound = onlyTimeBound(join, type, remaining, left, right);
            }
            return new StreamJoinNode(left, right, type, info.leftKeys, info.rightKeys, bound, Optional.empty(), true,
                    schema);
        }
        if (type == JoinType.LEFT && !remaining.isAlwaysTrue()) {
            throw new PlanningException("A LEFT JOIN's ON clause with a static table may only compare columns for "
                    + "equality yet: " + remaining);
        }
        PhysicalNode joined;
        if (!streaming || (rightStatic && (type == JoinType.INNER || type == JoinType.LEFT))) {
            joined = new LookupJoinNode(left, right, info.leftKeys, info.rightKeys, type, schema,
                    versionKey(right, info.rightKeys).orElse(List.of()));
        } else if (leftStatic && (type == JoinType.INNER || type == JoinType.RIGHT)) {
            if (type == JoinType.RIGHT && !remaining.isAlwaysTrue()) {
                throw new PlanningException("A RIGHT JOIN's ON clause with a static table may only compare columns "
                        + "for equality yet: " + remaining);
            }
            // The static table is on the left: probe it with the right side, then put the columns back in order.
            List<Column> swapped = new ArrayList<>(right.schema().columns());
            swapped.addAll(left.schema().columns());
            PhysicalNode probe = new LookupJoinNode(right, left, info.rightKeys, info.leftKeys,
                    type == JoinType.RIGHT ? JoinType.LEFT : JoinType.INNER, new RowSchema(swapped),
                    versionKey(left, info.leftKeys).orElse(List.of()));
            List<PhysicalExpr> order = new ArrayList<>();
            int rightWidth = right.schema().size();
            for (int i = 0; i < schema.size(); i++) {
                int from = i < left.schema().size() ? rightWidth + i : i - left.schema().size();
                Column c = probe.schema().column(from);
                order.add(new ColumnRef(from, c.name(), c.type()));
            }
            joined = new FilterProjectNode(probe, Optional.empty(), order, schema);
        } else {
            List<String> stream = tableNames(leftStatic ? right : left);
            throw new PlanningException(article(type) + " of the stream " + stream + " with the static table "
                    + tableNames(leftStatic ? left : right) + " is not supported yet: a lookup join keeps the stream's "
                    + "rows only (INNER, LEFT/RIGHT with the stream on the kept side, or IN/EXISTS/NOT EXISTS over the "
                    + "static table)");
        }
        return remaining.isAlwaysTrue() ? joined : filtered(joined, remaining);
    }

    /** "A join", "A LEFT OUTER JOIN", "An ANTI JOIN (NOT EXISTS)": the join as a message names it. */
    static String article(JoinType type) {
        return type == JoinType.INNER ? "A join" : (type == JoinType.ANTI ? "An " : "A ") + type.sql();
    }

    private static JoinType joinType(Join join) {
        return switch (join.getJoinType()) {
            case INNER -> JoinType.INNER;
            case LEFT -> JoinType.LEFT;
            case RIGHT -> JoinType.RIGHT;
            case FULL -> JoinType.FULL;
            case SEMI -> JoinType.SEMI;
            case ANTI -> JoinType.ANTI;
            default -> throw new PlanningException(join.getJoinType() + " JOIN is not supported yet");
        };
    }

    /**
     * The time bound that is the whole non-equality part of the ON clause of an outer, semi or anti join: a row
     * without a match is told by it, so no other condition can be applied after the join.
     */
    private static Optional<IntervalBound> onlyTimeBound(Join join, JoinType type, RexNode remaining, PhysicalNode left,
                                                         PhysicalNode right) {
        int leftWidth = left.schema().size();
        Optional<TimeBound> bound = TimeBound.of(remaining, leftWidth);
        if (bound.isEmpty() || !TimeBound.isWholeCondition(remaining, leftWidth)) {
            throw new PlanningException("The ON clause of " + article(type).replaceFirst("^A", "a") + " (" + tableNames(left) + " and "
                    + tableNames(right) + ") may only have equalities and a time bound between the two sides yet: "
                    + remaining);
        }
        return Optional.of(bound.get().toIntervalBound(leftWidth));
    }

    /**
     * A join of two streams: equal keys plus a bound between the two sides' event times, from which the join
     * knows when a row can no longer match and leaves its state; or, without one, a state TTL.
     */
    private PhysicalNode streamJoin(Join join, JoinType type, JoinInfo info, RexNode remaining, PhysicalNode left,
                                    PhysicalNode right, RowSchema schema) {
        String tables = tableNames(left) + " and " + tableNames(right);
        int leftWidth = left.schema().size();
        Optional<IntervalBound> bound = TimeBound.of(remaining, leftWidth).or(() -> windowJoin(info, left, right))
                .map(b -> b.toIntervalBound(leftWidth));
        if (type != JoinType.INNER && !remaining.isAlwaysTrue()) {
            bound = onlyTimeBound(join, type, remaining, left, right);
        }
        Optional<List<Integer>> versioned = bound.isPresent() ? Optional.empty() : versionKey(right, info.rightKeys);
        if (versioned.isPresent() && (type == JoinType.INNER || type == JoinType.LEFT)) {
            // The right side is a table of versions (a PRIMARY KEY): each left row meets its key's latest row.
            PhysicalNode temporal = new TemporalJoinNode(left, right, info.leftKeys, info.rightKeys, versioned.get(),
                    type == JoinType.LEFT, schema);
            return type == JoinType.INNER && !remaining.isAlwaysTrue() ? filtered(temporal, remaining) : temporal;
        }
        StreamJoinNode joined;
        if (bound.isPresent()) {
            if (!hasWatermark(left) || !hasWatermark(right)) {
                throw new PlanningException("A join of two streams needs a WATERMARK on both (" + tables + "): the "
                        + "watermark tells when a row can no longer match and leaves the join's state");
            }
            IntervalBound b = bound.get();
            if (b.isColumnBound()) {
                // Future rows are at or past the watermark in their event time only: the bound must be on it.
                if (!isEventTime(right, b.rightLower()) || !isEventTime(left, b.leftUpper())) {
                    throw new PlanningException("A join of two streams (" + tables + ") bounded by "
                            + b.describe(left, right) + " needs the event time (the WATERMARK column) of "
                            + tableNames(right) + " in its lower bound and that of " + tableNames(left)
                            + " in its upper bound, so that its state can be cleaned up");
                }
            }
            joined = new StreamJoinNode(left, right, type, info.leftKeys, info.rightKeys, bound, Optional.empty(),
                    false, schema);
        } else if (stateTtlMillis.isPresent()) {
            joined = new StreamJoinNode(left, right, type, info.leftKeys, info.rightKeys, Optional.empty(),
                    stateTtlMillis, false, schema);
        } else {
            throw new PlanningException(article(type) + " of two streams (" + tables + ") needs a bound between "
                    + "their event times, e.g. a.ts BETWEEN b.ts - INTERVAL '1' MINUTE AND b.ts (or equal "
                    + "window_start or window_end of two window aggregations), or a state TTL (SET state.ttl = '1 h': "
                    + "a row is forgotten that long after it was stored or first matched), so that its state can be "
                    + "cleaned up; or make one side a static table ('static'='true')");
        }
        // An inner join's whole remaining condition (time bound included) filters the pairs, as written.
        return type == JoinType.INNER && !remaining.isAlwaysTrue() ? filtered(joined, remaining) : joined;
    }

    /**
     * The primary key of the table {@code node} reads, as columns of {@code node}, when it declares one: such a
     * table joins as its latest row per key, which needs an equality on every key column ({@code joinKeys}) and
     * no condition on its rows below the join (it would pick among a key's older rows).
     *
     * @throws PlanningException when the table has a primary key the join can't version it by
     */
    private static Optional<List<Integer>> versionKey(PhysicalNode node, List<Integer> joinKeys) {
        List<FilterProjectNode> chain = new ArrayList<>();
        PhysicalNode current = node;
        while (current instanceof FilterProjectNode fp) {
            chain.add(0, fp);
            current = fp.input();
        }
        if (!(current instanceof ScanNode scan) || scan.table().primaryKey().isEmpty()) {
            return Optional.empty();
        }
        String table = scan.table().name();
        List<String> names = scan.table().primaryKey();
        List<Integer> key = new ArrayList<>();
        for (String name : names) {
            key.add(scan.schema().names().indexOf(name));
        }
        for (FilterProjectNode fp : chain) {
            if (fp.filter().isPresent()) {
                throw new PlanningException("Table " + table + " has a PRIMARY KEY " + names + ", so it joins as its "
                        + "latest row per key; a condition on its columns alone (" + fp.filter().get() + ") would be "
                        + "applied before that and is not supported yet: compare it in the ON clause or after the join");
            }
            List<Integer> above = new ArrayList<>();
            for (int k : key) {
                int found = -1;
                for (int i = 0; i < fp.projections().size() && k >= 0; i++) {
                    if (fp.projections().get(i) instanceof ColumnRef ref && ref.index() == k) {
                        found = i;
                        break;
                    }
                }
                above.add(found);
            }
            key = above;
        }
        if (key.contains(-1) || !joinKeys.containsAll(key)) {
            throw new PlanningException("Table " + table + " has a PRIMARY KEY " + names + ", so it joins as its latest "
                    + "row per key: the join needs an equality on each key column");
        }
        return Optional.of(key);
    }

    /** Whether column {@code column} of {@code node} is the WATERMARK column of the table it is read from. */
    private static boolean isEventTime(PhysicalNode node, int column) {
        PhysicalNode current = node;
        int index = column;
        while (current instanceof FilterProjectNode fp) {
            if (!(fp.projections().get(index) instanceof ColumnRef ref)) {
                return false;
            }
            index = ref.index();
            current = fp.input();
        }
        return current instanceof ScanNode scan && scan.table().watermark().isPresent()
                && scan.schema().column(index).name().equalsIgnoreCase(scan.table().watermark().get().column());
    }

    /**
     * A window join: the two sides are window aggregations of the same window, joined on their window_start (or
     * window_end): the bound is then that both are equal, and a window's rows meet in the batch that closes it.
     */
    private static Optional<TimeBound> windowJoin(JoinInfo info, PhysicalNode left, PhysicalNode right) {
        for (int i = 0; i < info.leftKeys.size(); i++) {
            int l = info.leftKeys.get(i);
            int r = info.rightKeys.get(i);
            for (boolean start : new boolean[] {true, false}) {
                Optional<AggregateNode.Window> lw = windowColumnOf(left, l, start);
                Optional<AggregateNode.Window> rw = windowColumnOf(right, r, start);
                // Windows of the same size close in the same batch, whatever their slide (a HOP window's results
                // regrouped by their window_start close with it).
                if (lw.isPresent() && rw.isPresent() && lw.get().millis() == rw.get().millis()) {
                    return Optional.of(new TimeBound(l, left.schema().size() + r, 0, 0));
                }
            }
        }
        return Optional.empty();
    }

    /** The rows of {@code node} for which {@code condition} (over its columns) holds, all columns kept. */
    private static PhysicalNode filtered(PhysicalNode node, RexNode condition) {
        RowSchema schema = node.schema();
        return new FilterProjectNode(node, Optional.of(RexToPhysicalExpr.convert(condition, schema)),
                columnRefs(schema), schema);
    }

    /** A reference to each column of {@code schema}, in order. */
    private static List<PhysicalExpr> columnRefs(RowSchema schema) {
        List<PhysicalExpr> refs = new ArrayList<>();
        for (int i = 0; i < schema.size(); i++) {
            refs.add(new ColumnRef(i, schema.column(i).name(), schema.column(i).type()));
        }
        return refs;
    }

    private static boolean hasWatermark(PhysicalNode node) {
        if (node instanceof ScanNode scan) {
            return scan.table().watermark().isPresent();
        }
        return node.inputs().stream().anyMatch(PhysicalPlanBuilder::hasWatermark);
    }

    /** Whether every table the node reads is static ({@code 'static'='true'}): read whole, each batch. */
    private static boolean isStatic(PhysicalNode node) {
        if (node instanceof ScanNode scan) {
            return scan.table().option("static").map(Boolean::parseBoolean).orElse(false);
        }
        return !node.inputs().isEmpty() && node.inputs().stream().allMatch(PhysicalPlanBuilder::isStatic);
    }

    private static List<String> tableNames(PhysicalNode node) {
        List<String> names = new ArrayList<>();
        if (node instanceof ScanNode scan) {
            names.add(scan.table().name());
        }
        node.inputs().forEach(input -> names.addAll(tableNames(input)));
        return names;
    }

    /**
     * The columns a scan reads, plus the table's event-time column on a stream: its tasks track event time
     * for the watermark even when the query does not use the column.
     */
    private ImmutableBitSet withEventTime(ImmutableBitSet used, CatalogTable table) {
        if (!streaming || table.descriptor().watermark().isEmpty()) {
            return used;
        }
        return used.set(table.fullSchema().indexOf(table.descriptor().watermark().get().column()));
    }

    private static boolean isIdentity(List<RexNode> projects) {
        for (int i = 0; i < projects.size(); i++) {
            if (!(projects.get(i) instanceof RexInputRef ref) || ref.getIndex() != i) {
                return false;
            }
        }
        return true;
    }

    private static CatalogTable table(TableScan scan) {
        CatalogTable table = scan.getTable().unwrap(CatalogTable.class);
        if (table == null) {
            throw new PlanningException("Table " + scan.getTable().getQualifiedName() + " is not a Sluice table");
        }
        return table;
    }
}
