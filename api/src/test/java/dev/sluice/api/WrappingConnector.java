package dev.sluice.api;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.connector.Connector;
import dev.sluice.execution.connector.ConnectorContext;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.source.StreamSource;
import dev.sluice.execution.type.RowSchema;
import java.net.ConnectException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Base of the test connectors that wrap a real one to misbehave on purpose: the table is handed to the
 * real connector without the wrapper's own options.
 */
abstract class WrappingConnector implements Connector {
    private final String identifier;
    final Connector delegate;
    private final List<String> ownOptions;

    WrappingConnector(String identifier, Connector delegate, List<String> ownOptions) {
        this.identifier = requireNonNull(identifier, "identifier is null");
        this.delegate = requireNonNull(delegate, "delegate is null");
        this.ownOptions = List.copyOf(ownOptions);
    }

    @Override
    public final String identifier() {
        return identifier;
    }

    /** The table as the real connector sees it. */
    final TableDescriptor delegateTable(TableDescriptor table) {
        Map<String, String> options = new HashMap<>(table.options());
        options.put("connector", delegate.identifier());
        ownOptions.forEach(options::remove);
        return new TableDescriptor(table.name(), table.schema(), options, table.watermark(), table.computedColumns(),
                table.primaryKey());
    }

    @Override
    public RowSchema validate(TableDescriptor table) {
        return delegate.validate(delegateTable(table));
    }

    @Override
    public StreamSource createSource(TableDescriptor table, ConnectorContext context) {
        return delegate.createSource(delegateTable(table), context);
    }

    @Override
    public void create(TableDescriptor table) {
        delegate.create(delegateTable(table));
    }

    @Override
    public void drop(TableDescriptor table) {
        delegate.drop(delegateTable(table));
    }

    /** {@code what}, if {@code failure} was caused by a refused connection (the injected outages); else empty. */
    static Optional<String> outage(Throwable failure, String what) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return Optional.of(what);
            }
        }
        return Optional.empty();
    }
}
