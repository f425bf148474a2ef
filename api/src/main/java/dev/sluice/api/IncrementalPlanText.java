package dev.sluice.api;

import dev.sluice.execution.aggregate.OutputMode;
import dev.sluice.execution.stream.IncrementalPlan;
import dev.sluice.execution.stream.Trigger;
import dev.sluice.planner.sql.PlannedQuery;
import java.util.Locale;
import java.util.Optional;

/**
 * The part of EXPLAIN that says how a continuous query runs: its trigger and output mode, then its
 * {@link IncrementalPlan}'s tree of operators as the engine runs it (rendered by the plan itself), and where
 * its checkpoint lives.
 */
final class IncrementalPlanText {
    private IncrementalPlanText() {
    }

    static String of(PlannedQuery query, Trigger trigger, OutputMode mode, String checkpoint, Optional<String> target) {
        IncrementalPlan plan;
        try {
            plan = query.incrementalPlan(mode);
        } catch (IllegalArgumentException e) {
            return "\n== Incremental execution ==\nNot possible: " + e.getMessage() + "\n";
        }
        return "\n== Incremental execution ==\n"
                + "Trigger: " + trigger + "; output mode: " + mode.name().toLowerCase(Locale.ROOT) + '\n'
                + "Operators, top-down; each batch's changes flow bottom-up:\n"
                + "  " + target.map(t -> "Write to " + t).orElse("Hand rows to the client") + '\n'
                + plan.explain(checkpoint).indent(2)
                + "Checkpoint: " + checkpoint + " (offsets logged before each batch, commits after; state versioned "
                + "by batch id: a delta per batch, snapshots, old versions cleaned)\n";
    }
}
