package dev.sluice.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.Meta;

/**
 * Avatica's HTTP client driver under Sluice's URL prefix and statement classes (so that
 * {@code Statement.cancel()} reaches the server). Not registered: {@link SluiceDriver} hands it the
 * {@code jdbc:sluice://host:port} connections, with the server's address in the {@code url} property.
 */
final class RemoteDriver extends org.apache.calcite.avatica.remote.Driver {
    static final RemoteDriver INSTANCE = new RemoteDriver();

    @Override
    protected String getConnectStringPrefix() {
        return SluiceDriver.PREFIX;
    }

    /** Avatica's remote Meta, except that result rows are handed out as they come (see {@link FrameIterable}). */
    @Override
    public Meta createMeta(AvaticaConnection connection) {
        Meta remote = super.createMeta(connection);
        return (Meta) Proxy.newProxyInstance(Meta.class.getClassLoader(), new Class<?>[] {Meta.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("createIterable")) {
                        return new FrameIterable((Meta) proxy, (Meta.StatementHandle) args[0], (Meta.Frame) args[4]);
                    }
                    try {
                        return method.invoke(remote, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Override
    protected org.apache.calcite.avatica.DriverVersion createDriverVersion() {
        return SluiceDriver.VERSION;
    }

    @Override
    protected String getFactoryClassName(JdbcVersion jdbcVersion) {
        return SluiceJdbcFactory.class.getName();
    }
}
