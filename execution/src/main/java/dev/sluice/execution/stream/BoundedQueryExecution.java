package dev.sluice.execution.stream;

import dev.sluice.execution.fs.FileSystemLocation;
import dev.sluice.execution.plan.PhysicalNode;
import dev.sluice.execution.source.OffsetRange;
import dev.sluice.execution.source.SourcePartition;
import dev.sluice.execution.source.StreamSource;
import dev.sluice.execution.state.StateSpec;
import dev.sluice.execution.state.StateStore;
import dev.sluice.execution.state.StateStoreProvider;
import dev.sluice.execution.type.VectorValues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.hadoop.fs.FileUtil;

/**
 * Runs a bounded query (a plain SELECT): one batch over each table's offsets from its startup position to
 * the latest offset at the moment the query starts. Records that arrive later are not read.
 */
public final class BoundedQueryExecution {
    private BoundedQueryExecution() {
    }

    /** The query's rows. The sources stay open (the caller owns them). */
    public static BoundedResult run(PhysicalNode plan, Map<String, StreamSource> sources, ExecutorService taskPool,
                                    BufferAllocator allocator) throws Exception {
        Map<String, List<OffsetRange>> ranges = new TreeMap<>();
        for (Map.Entry<String, StreamSource> e : sources.entrySet()) {
            Map<SourcePartition, Long> from = e.getValue().initialOffsets();
            List<OffsetRange> list = new ArrayList<>();
            for (Map.Entry<SourcePartition, Long> u : new TreeMap<>(e.getValue().latestOffsets()).entrySet()) {
                long start = Optional.ofNullable(from.get(u.getKey())).orElse(0L);
                list.add(new OffsetRange(u.getKey(), start, Math.max(start, u.getValue())));
            }
            ranges.put(e.getKey(), list);
        }
        IncrementalPlan batchPlan = IncrementalPlan.bounded(plan);
        BatchRunner runner = new BatchRunner(batchPlan, sources, taskPool);
        List<StateSpec> specs = batchPlan.states();
        Path stateDir = specs.isEmpty() ? null : Files.createTempDirectory("sluice-bounded-state");
        // A bounded query's stateful operators work in throw-away state stores: one batch, nothing to keep.
        Map<String, StateStore> stores = new java.util.LinkedHashMap<>();
        for (StateSpec a : specs) {
            stores.put(a.operatorId(), StateStoreProvider.open(FileSystemLocation.of(stateDir.toString()),
                    a.operatorId(), a.keySchema(), a.valueSchema()).getStore(StateStore.EMPTY_VERSION));
        }
        try (BufferAllocator child = allocator.newChildAllocator("bounded-query", 0, Long.MAX_VALUE);
             BatchOutput output = runner.run(ranges, child, stores, 0, Long.MIN_VALUE, System.currentTimeMillis(), null)) {
            List<List<Object>> rows = new ArrayList<>();
            for (VectorSchemaRoot root : output.batches()) {
                rows.addAll(VectorValues.rows(root));
            }
            return new BoundedResult(output.schema(), rows, output.inputRows(), output.malformedRows());
        } finally {
            stores.values().forEach(StateStore::abort);
            if (stateDir != null) {
                deleteRecursively(stateDir);
            }
        }
    }

    /** Hadoop's recursive delete, the project's one (it does not follow symbolic links out of the directory). */
    private static void deleteRecursively(Path dir) throws IOException {
        if (!FileUtil.fullyDelete(dir.toFile())) {
            throw new IOException("Can't delete the state directory " + dir);
        }
    }
}
