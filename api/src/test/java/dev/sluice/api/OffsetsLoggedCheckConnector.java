package dev.sluice.api;

import dev.sluice.connectors.memory.MemoryConnector;
import dev.sluice.execution.connector.ConnectorContext;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.sink.StreamSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test connector 'logged-check-memory': a memory table whose sink notes, for each batch it is given, whether the
 * batch's offsets were already in the offset log of the checkpoint {@code checkpoint.dir} names (they must be:
 * nothing of a batch may leave the query before they are).
 */
public final class OffsetsLoggedCheckConnector extends WrappingConnector {
    private static final Map<String, List<String>> SEEN = new ConcurrentHashMap<>();

    public OffsetsLoggedCheckConnector() {
        super("logged-check-memory", new MemoryConnector(), List.of("checkpoint.dir"));
    }

    /** Per batch the sink took, in order: {@code "<batchId> logged"} or {@code "<batchId> NOT logged"}. */
    static List<String> seen(String table) {
        return List.copyOf(SEEN.getOrDefault(table, List.of()));
    }

    @Override
    public StreamSink createSink(TableDescriptor table, ConnectorContext context) {
        StreamSink memory = delegate.createSink(delegateTable(table), context);
        Path offsets = Path.of(table.options().get("checkpoint.dir")).resolve("offsets");
        List<String> seen = SEEN.computeIfAbsent(table.name(), t -> new CopyOnWriteArrayList<>());
        return (batchId, schema, batches) -> {
            seen.add(batchId + (Files.exists(offsets.resolve(Long.toString(batchId))) ? " logged" : " NOT logged"));
            memory.addBatch(batchId, schema, batches);
        };
    }
}
