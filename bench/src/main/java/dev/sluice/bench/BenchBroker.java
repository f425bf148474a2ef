package dev.sluice.bench;

import dev.sluice.connectors.embedded.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Main class of the bench's broker process: the embedded KRaft broker ({@link EmbeddedKafkaBroker}) in a JVM of
 * its own, as a user runs Kafka, so that the measured query never shares its JVM (heap, GC, JIT threads) with
 * the broker, and the bench's parent does not either.
 *
 * <p>Protocol: prints {@code BOOTSTRAP <host:port>} on stdout once the broker is up, then runs until its stdin
 * ends (the bench closes it, or the bench died), and stops the broker cleanly.
 *
 * <p>Usage: {@code BenchBroker <data directory>}.
 */
public final class BenchBroker {
    static final String BOOTSTRAP = "BOOTSTRAP ";

    private BenchBroker() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: BenchBroker <data directory>");
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
