package dev.sluice.chaos;

import dev.sluice.connectors.embedded.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Main class of the broker process: a real single-node Kafka broker ({@link EmbeddedKafkaBroker}) in a JVM of
 * its own, so that killing a query process never touches the broker, and the harness's own work (producing,
 * verifying) does not share the broker's heap.
 *
 * <p>Protocol: prints {@code BOOTSTRAP <host:port>} on stdout once the broker is up, then runs until its
 * stdin ends (the harness closes it, or the harness died), and stops the broker cleanly.
 *
 * <p>Usage: {@code ChaosBroker <data directory>}.
 */
public final class ChaosBroker {
    static final String BOOTSTRAP = "BOOTSTRAP ";

    private ChaosBroker() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ChaosBroker <data directory>");
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
