package dev.sluice.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.ui.PlanTree.Node;
import dev.sluice.ui.PlanTree.Section;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanTreeTest {
    @Test
    void sectionsAndIndentationBecomeTrees() {
        PlanTree tree = PlanTree.parse("""
                == Logical plan (Calcite) ==
                LogicalDelta
                  LogicalAggregate(group=[{0}])
                    LogicalProject(a=[$0])
                      LogicalTableScan(table=[[t]])
                == Physical plan (continuous, micro-batches) ==
                Aggregate(group=[a])
                  Scan(table=t)
                  Scan(table=u)

                == Incremental execution ==
                Trigger: processing-time 1000 ms; output mode: update
                Per batch (once, after the tasks): HashAggregate -> write to out
                """);
        Node scanT = new Node("LogicalTableScan(table=[[t]])", List.of());
        assertEquals(List.of(
                new Section("Logical plan (Calcite)", List.of(new Node("LogicalDelta", List.of(
                        new Node("LogicalAggregate(group=[{0}])", List.of(new Node("LogicalProject(a=[$0])", List.of(scanT)))))))),
                new Section("Physical plan (continuous, micro-batches)", List.of(new Node("Aggregate(group=[a])", List.of(
                        new Node("Scan(table=t)", List.of()), new Node("Scan(table=u)", List.of()))))),
                new Section("Incremental execution", List.of(
                        new Node("Trigger: processing-time 1000 ms; output mode: update", List.of()),
                        new Node("Per batch (once, after the tasks): HashAggregate -> write to out", List.of())))),
                tree.sections());
    }

    @Test
    void textWithoutHeadingsIsOneSection() {
        assertEquals(List.of(new Section("Plan", List.of(new Node("a", List.of(new Node("b", List.of())))))),
                PlanTree.parse("a\n  b\n").sections());
        assertEquals(List.of(), PlanTree.parse("").sections());
    }
}
