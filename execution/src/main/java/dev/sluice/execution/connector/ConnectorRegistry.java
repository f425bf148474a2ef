package dev.sluice.execution.connector;

import dev.sluice.execution.error.EngineException;
import dev.sluice.execution.error.ErrorType;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The connectors on the class path, by identifier. */
public final class ConnectorRegistry {
    private final Map<String, Connector> connectors;

    private ConnectorRegistry(Map<String, Connector> connectors) {
        this.connectors = Map.copyOf(connectors);
    }

    public static ConnectorRegistry loadFromClassPath() {
        Map<String, Connector> found = new TreeMap<>();
        for (Connector c : ServiceLoader.load(Connector.class)) {
            found.put(c.identifier(), c);
        }
        return new ConnectorRegistry(found);
    }

    /** The connector for a table's {@code connector} option, or an error listing the known ones. */
    public Connector get(String identifier) {
        Connector c = connectors.get(identifier);
        if (c == null) {
            throw new EngineException(ErrorType.USER_ERROR, "Unknown connector '" + identifier + "' (known: "
                    + String.join(", ", new TreeMap<>(connectors).keySet()) + ")");
        }
        return c;
    }

    /** Every connector found, by identifier. */
    public java.util.Collection<Connector> all() {
        return connectors.values();
    }

    public Connector forTable(TableDescriptor table) {
        return get(table.connector());
    }
}
