package dev.sluice.api;

import dev.sluice.connectors.memory.MemoryConnector;
import dev.sluice.execution.connector.ConnectorContext;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.sink.BatchWriter;
import dev.sluice.execution.sink.StreamSink;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Test connector 'streaming-memory': a memory table whose sink writes a batch's rows as they come
 * ({@link StreamSink#writesRowsAsTheyCome}), keeping them as values until the batch's commit, which hands them to
 * the memory table. What it was told is in {@link #EVENTS}, in order: {@code "open B"}, {@code "write B n
 * logged|NOT logged"} (whether batch B's offsets were in the offset log of {@code checkpoint.dir} at the write),
 * {@code "commit B"}, {@code "close B"}. The write numbered {@code fail.write} (counted over the query's run, from
 * 1; 0: none) takes its rows and then throws as if the sink's system had gone away, so the batch is run again.
 */
public final class StreamingSinkConnector extends WrappingConnector {
    static final List<String> EVENTS = new CopyOnWriteArrayList<>();

    public StreamingSinkConnector() {
        super("streaming-memory", new MemoryConnector(), List.of("checkpoint.dir", "fail.write"));
    }

    @Override
    public StreamSink createSink(TableDescriptor table, ConnectorContext context) {
        StreamSink memory = delegate.createSink(delegateTable(table), context);
        Path offsets = Path.of(table.options().get("checkpoint.dir")).resolve("offsets");
        long failWrite = Long.parseLong(table.options().getOrDefault("fail.write", "0"));
        AtomicLong writes = new AtomicLong();
        return new StreamSink() {
            @Override
            public void addBatch(long batchId, RowSchema schema, List<VectorSchemaRoot> batches) {
                throw new AssertionError("a sink that writes rows as they come was given a whole batch");
            }

            @Override
            public boolean writesRowsAsTheyCome() {
                return true;
            }

            @Override
            public BatchWriter openBatch(long batchId, RowSchema schema) {
                EVENTS.add("open " + batchId);
                List<List<Object>> rows = new ArrayList<>();
                return new BatchWriter() {
                    @Override
                    public void write(VectorSchemaRoot root) throws Exception {
                        boolean logged = Files.exists(offsets.resolve(Long.toString(batchId)));
                        EVENTS.add("write " + batchId + " " + root.getRowCount() + (logged ? " logged" : " NOT logged"));
                        rows.addAll(VectorValues.rows(root));
                        if (writes.incrementAndGet() == failWrite) {
                            throw new java.io.IOException("injected outage in write " + failWrite,
                                    new ConnectException("injected: connection refused"));
                        }
                    }

                    @Override
                    public void commit() throws Exception {
                        EVENTS.add("commit " + batchId);
                        try (RootAllocator allocator = new RootAllocator();
                             VectorSchemaRoot all = VectorValues.toBatch(schema, rows, allocator)) {
                            memory.addBatch(batchId, schema, List.of(all));
                        }
                    }

                    @Override
                    public void close() {
                        EVENTS.add("close " + batchId);
                    }
                };
            }

            @Override
            public Optional<String> unreachable(Throwable failure) {
                return outage(failure, "the streaming sink");
            }

            @Override
            public void close() {
                memory.close();
            }
        };
    }
}
