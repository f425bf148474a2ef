package dev.sluice.execution.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.execution.aggregate.AggregateCall;
import dev.sluice.execution.aggregate.OutputMode;
import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.fs.FileSystemLocation;
import dev.sluice.execution.state.StateSpec;
import dev.sluice.execution.state.StateStore;
import dev.sluice.execution.state.StateStoreProvider;
import dev.sluice.execution.testing.ArrowTestBase;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Session windows per group, batch by batch, over the state of the earlier batches. */
class SessionAggregateOperatorTest extends ArrowTestBase {
    private static final RowSchema INPUT = RowSchema.of(Column.of("a", ColumnType.VARCHAR),
            Column.of("b", ColumnType.VARCHAR), Column.of("ts", ColumnType.TIMESTAMP));
    private static final RowSchema OUT = RowSchema.of(Column.of("a", ColumnType.VARCHAR),
            Column.of("b", ColumnType.VARCHAR), Column.of("ts", ColumnType.TIMESTAMP), Column.of("c", ColumnType.BIGINT));

    @TempDir
    Path checkpoint;

    private SessionAggregateOperator.Factory factory;
    private StateStoreProvider provider;
    private long batch;

    @BeforeEach
    void openState() {
        factory = new SessionAggregateOperator.Factory(INPUT, List.of(0, 1, 2), 2, 10_000,
                List.of(AggregateCall.countStar("c")), OUT, OutputMode.UPDATE, false);
        StateSpec spec = factory.state("session").orElseThrow();
        provider = StateStoreProvider.open(FileSystemLocation.of(checkpoint.toString()), "session", spec.keySchema(),
                spec.valueSchema());
    }

    private static List<Object> row(Object... values) {
        return Arrays.asList(values);
    }

    /** Runs the next batch over {@code rows}: the sessions it emits, as text, sorted. */
    private List<String> run(List<List<Object>> rows) {
        StateStore store = provider.getStore(batch - 1);
        List<String> out = new ArrayList<>();
        try (SessionAggregateOperator op = factory.create(new OperatorContext(batch, Long.MIN_VALUE, allocator,
                Optional.of(store), 0))) {
            op.add(0, ChangeBatch.inserts(VectorValues.toBatch(INPUT, rows, allocator)));
            for (ChangeBatch changes : op.finish()) {
                try (changes) {
                    VectorValues.rows(changes.rows()).forEach(r -> out.add(r.get(0) + " | " + r.get(1) + " | "
                            + VectorValues.toEpochMillis((java.time.LocalDateTime) r.get(2)) + " | " + r.get(3)));
                }
            }
        }
        store.commit(batch++);
        out.sort(Comparator.naturalOrder());
        return out;
    }

    @Test
    void groupKeysWhoseTextsJoinAlikeAreDifferentGroups() {
        // ["a, b", "c"] and ["a", "b, c"] both print as [a, b, c]: two groups all the same, each its own session.
        List<Object> first = row("a, b", "c", VectorValues.toLocalDateTime(0));
        List<Object> second = row("a", "b, c", VectorValues.toLocalDateTime(1_000));
        assertEquals(List.of("a | b, c | 1000 | 1", "a, b | c | 0 | 1"),
                run(List.of(first, second)));
        // The stored sessions stay apart too: a row of the second group extends only its own session.
        assertEquals(List.of("a | b, c | 1000 | 2"),
                run(List.of(row("a", "b, c", VectorValues.toLocalDateTime(2_000)))));
        assertEquals(List.of("a, b | c | 0 | 2"),
                run(List.of(row("a, b", "c", VectorValues.toLocalDateTime(5_000)))));
    }

    @Test
    void numericAndNullKeysKeepTheirSessionsAcrossBatches() {
        RowSchema input = RowSchema.of(Column.of("d", ColumnType.DOUBLE), Column.of("ts", ColumnType.TIMESTAMP),
                Column.of("i", ColumnType.INTEGER));
        RowSchema out = RowSchema.of(Column.of("d", ColumnType.DOUBLE), Column.of("ts", ColumnType.TIMESTAMP),
                Column.of("i", ColumnType.INTEGER), Column.of("c", ColumnType.BIGINT));
        SessionAggregateOperator.Factory sessions = new SessionAggregateOperator.Factory(input, List.of(0, 1, 2), 1, 10_000,
                List.of(AggregateCall.countStar("c")), out, OutputMode.UPDATE, false);
        StateSpec spec = sessions.state("session-2").orElseThrow();
        StateStoreProvider state = StateStoreProvider.open(FileSystemLocation.of(checkpoint.toString()), "session-2",
                spec.keySchema(), spec.valueSchema());
        List<List<List<Object>>> batches = List.of(
                List.of(row(1.5, VectorValues.toLocalDateTime(0), null), row(1.5, VectorValues.toLocalDateTime(4_000), null),
                        row(2.5, VectorValues.toLocalDateTime(0), 7)),
                List.of(row(1.5, VectorValues.toLocalDateTime(9_000), null)));
        List<List<List<Object>>> emitted = new ArrayList<>();
        for (int b = 0; b < batches.size(); b++) {
            StateStore store = state.getStore(b - 1);
            List<List<Object>> rows = new ArrayList<>();
            try (SessionAggregateOperator op = sessions.create(new OperatorContext(b, Long.MIN_VALUE, allocator,
                    Optional.of(store), 0))) {
                op.add(0, ChangeBatch.inserts(VectorValues.toBatch(input, batches.get(b), allocator)));
                for (ChangeBatch changes : op.finish()) {
                    try (changes) {
                        rows.addAll(VectorValues.rows(changes.rows()));
                    }
                }
            }
            store.commit(b);
            rows.sort(Comparator.comparing(Object::toString));
            emitted.add(rows);
        }
        assertEquals(List.of(
                List.of(row(1.5, VectorValues.toLocalDateTime(0), null, 2L), row(2.5, VectorValues.toLocalDateTime(0), 7, 1L)),
                List.of(row(1.5, VectorValues.toLocalDateTime(0), null, 3L))), emitted);
    }
}
