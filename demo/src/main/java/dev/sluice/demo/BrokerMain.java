package dev.sluice.demo;

import dev.sluice.connectors.embedded.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Main class of a Kafka broker process ({@link BrokerProcess}): a real single-node KRaft broker
 * ({@link EmbeddedKafkaBroker}) in a JVM of its own, as a user runs Kafka. The bench measures queries that
 * never share their JVM (heap, GC, JIT threads) with the broker, and the chaos suite kills query processes
 * without touching it.
 *
 * <p>Protocol: prints {@code BOOTSTRAP <host:port>} on stdout once the broker is up, then runs until its
 * stdin ends (its parent closes it, or died), and stops the broker cleanly.
 *
 * <p>Usage: {@code BrokerMain <data directory>}.
 */
public final class BrokerMain {
    static final String BOOTSTRAP = "BOOTSTRAP ";

    private BrokerMain() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: BrokerMain <data directory>");
            System.exit(2);
        }
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Path.of(args[0]))) {
            System.out.println(BOOTSTRAP + broker.bootstrapServers());
            System.out.flush();
            InputStream in = System.in;
            while (in.read() >= 0) {
                // Runs until stdin ends.
            }
        }
        System.exit(0);
    }
}
