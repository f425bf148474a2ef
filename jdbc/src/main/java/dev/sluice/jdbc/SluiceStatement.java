package dev.sluice.jdbc;

import java.sql.SQLException;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.Meta;

/**
 * A statement whose {@link #cancel()} also stops its continuous query where it runs: Avatica's cancel only
 * raises a flag on the client, which a {@code ResultSet.next()} waiting for the next micro-batch would not
 * see. Closing the statement's server side ends that wait.
 */
final class SluiceStatement extends AvaticaStatement {
    SluiceStatement(AvaticaConnection connection, Meta.StatementHandle handle, int resultSetType,
                    int resultSetConcurrency, int resultSetHoldability) {
        super(connection, handle, resultSetType, resultSetConcurrency, resultSetHoldability);
    }

    @Override
    public void cancel() throws SQLException {
        // Not synchronized as super.cancel() is: the thread running the statement may hold the monitor.
        cancelFlag.set(true);
        ((SluiceConnection) connection).meta().closeStatement(handle);
    }
}
