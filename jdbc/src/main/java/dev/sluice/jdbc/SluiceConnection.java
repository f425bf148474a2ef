package dev.sluice.jdbc;

import java.util.Properties;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaFactory;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.UnregisteredDriver;

/** A connection to Sluice, in-process or remote; what sets it apart from Avatica's is its statements. */
public final class SluiceConnection extends AvaticaConnection {
    SluiceConnection(UnregisteredDriver driver, AvaticaFactory factory, String url, Properties info) {
        super(driver, factory, url, info);
    }

    /** The connection's properties (set before its Meta is created, which reads them). */
    public Properties properties() {
        return info;
    }

    Meta meta() {
        return meta;
    }
}
