package dev.sluice.execution.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real HDFS (one name node, one data node) in the test JVM for the tests that prove checkpoint files work
 * on {@code hdfs://}: register with {@code @RegisterExtension static final MiniHdfs HDFS = new MiniHdfs();}.
 */
public final class MiniHdfs implements BeforeAllCallback, AfterAllCallback {
    private MiniDFSCluster cluster;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Path base = Files.createTempDirectory("sluice-minihdfs");
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.toString());
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        cluster.waitActive();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (cluster != null) {
            cluster.shutdown(true);
        }
    }

    /** An {@code hdfs://} URI of {@code path} on this cluster. */
    public String uri(String path) {
        return "hdfs://localhost:" + cluster.getNameNodePort() + path;
    }
}
