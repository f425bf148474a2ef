package dev.sluice.execution.operator;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.changelog.ChangelogMode;
import dev.sluice.execution.type.RowSchema;
import java.util.List;

/**
 * UNION ALL of the changes of several inputs of one schema: each batch passes on as is. Stateless; emits
 * inserts only if every input does.
 */
public final class UnionOperator implements StreamOperator {
    /** A union of inputs of {@code schema}, which emit changes of the modes {@code inputModes}. */
    public record Factory(RowSchema outputSchema, List<ChangelogMode> inputModes) implements StreamOperator.Factory {
        public Factory {
            requireNonNull(outputSchema, "outputSchema is null");
            inputModes = List.copyOf(inputModes);
        }

        @Override
        public ChangelogMode changelogMode() {
            return inputModes.stream().allMatch(ChangelogMode::isAppendOnly) ? ChangelogMode.APPEND
                    : new ChangelogMode(ChangelogMode.Kind.RETRACT, List.of());
        }

        @Override
        public UnionOperator create(OperatorContext context) {
            return new UnionOperator();
        }

        @Override
        public String describe() {
            return "UnionAll";
        }
    }

    @Override
    public List<ChangeBatch> add(int input, ChangeBatch batch) {
        return List.of(batch);
    }

    @Override
    public List<ChangeBatch> finish() {
        return List.of();
    }
}
