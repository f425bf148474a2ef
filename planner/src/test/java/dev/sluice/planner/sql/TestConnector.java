package dev.sluice.planner.sql;

import dev.sluice.execution.connector.Connector;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;

/** Planner-test connector 'test': no data, the metadata columns of a Kafka table. */
public final class TestConnector implements Connector {
    @Override
    public String identifier() {
        return "test";
    }

    @Override
    public RowSchema validate(TableDescriptor table) {
        return RowSchema.of(new Column("partition", ColumnType.INTEGER, false),
                new Column("offset", ColumnType.BIGINT, false));
    }
}
