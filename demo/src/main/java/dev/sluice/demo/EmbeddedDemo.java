package dev.sluice.demo;

import static java.util.Objects.requireNonNull;

import dev.sluice.api.Sluice;
import dev.sluice.connectors.embedded.DemoClickGenerator;
import dev.sluice.connectors.embedded.EmbeddedKafkaBroker;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo of {@code sluice shell --embedded}: an in-process Kafka broker (data in a temporary directory,
 * deleted on close) whose topic {@value #TOPIC} receives live click events, and the table {@value #TOPIC}
 * reading it.
 */
public final class EmbeddedDemo implements AutoCloseable {
    public static final String TOPIC = DemoClickGenerator.DEFAULT_TOPIC;
    /** How far the watermark trails the largest event time seen (events arrive in order, give or take a few ms). */
    public static final int WATERMARK_DELAY_SECONDS = 2;
    /**
     * Registers the table; the broker's (ephemeral) address comes from the session's bootstrap.servers. {@code ts}
     * is event time (the generator's epoch milliseconds, decoded as a TIMESTAMP) with a watermark, so that a
     * newcomer's first window, {@code GROUP BY TUMBLE(ts, INTERVAL '5' SECOND)}, works as typed.
     */
    public static final String CREATE_TABLE = "CREATE TABLE clicks (ts TIMESTAMP, user_id INT, page VARCHAR, amount DOUBLE, "
            + "country VARCHAR, WATERMARK FOR ts AS ts - INTERVAL '" + WATERMARK_DELAY_SECONDS + "' SECOND) "
            + "WITH ('connector'='kafka', 'topic'='clicks', 'format'='json', 'scan.startup.mode'='earliest')";
    /** A windowed query to try: clicks and revenue per 5-second window, each window updated as clicks arrive. */
    public static final String WINDOW_QUERY = "SELECT STREAM TUMBLE_END(ts, INTERVAL '5' SECOND) AS window_end, "
            + "COUNT(*) AS clicks, SUM(amount) AS revenue FROM clicks GROUP BY TUMBLE(ts, INTERVAL '5' SECOND)";

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDemo.class);

    private final EmbeddedKafkaBroker broker;
    private final DemoClickGenerator generator;

    private EmbeddedDemo(EmbeddedKafkaBroker broker, DemoClickGenerator generator) {
        this.broker = requireNonNull(broker, "broker is null");
        this.generator = requireNonNull(generator, "generator is null");
    }

    /** Starts the broker and the click events (the generator creates the topic). */
    public static EmbeddedDemo start() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        try {
            DemoClickGenerator generator = new DemoClickGenerator(broker.bootstrapServers()).start();
            awaitFirstEvents(generator);
            log.info("Demo broker on {}, click events to topic {}", broker.bootstrapServers(), TOPIC);
            return new EmbeddedDemo(broker, generator);
        }
        catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    /** Waits (a second or so) for a few events, so that the first query of the demo finds data. */
    private static void awaitFirstEvents(DemoClickGenerator generator) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (generator.eventsSent() < DemoClickGenerator.DEFAULT_PARTITIONS && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The demo broker's {@code host:port}. */
    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** Creates the table {@value #TOPIC} in the session's catalog, unless it has one of that name already. */
    public void registerTable(Sluice sluice) {
        boolean exists = sluice.catalog().tables().stream().anyMatch(t -> TOPIC.equalsIgnoreCase(t.name()));
        if (exists) {
            log.info("The catalog has a table {} already: using it", TOPIC);
            return;
        }
        sluice.execute(CREATE_TABLE);
    }

    /** What the demo offers, with statements to try; ends with a line break. */
    public String banner() {
        return String.join(System.lineSeparator(), List.of(
                "Sluice demo: an embedded Kafka broker (" + bootstrapServers() + ") with live click events in topic '" + TOPIC + "',",
                "readable as table clicks (ts TIMESTAMP, user_id INT, page VARCHAR, amount DOUBLE, country VARCHAR),",
                "with event time ts and a watermark " + WATERMARK_DELAY_SECONDS + " s behind it.",
                "Try:",
                "  SHOW TABLES;",
                "  DESCRIBE clicks;",
                "  SELECT page, amount FROM clicks WHERE amount > 90 LIMIT 10;",
                "  SELECT STREAM user_id, UPPER(country) FROM clicks WHERE amount > 90;   -- Ctrl-C stops it",
                "  " + WINDOW_QUERY + ";",
                ""));
    }

    /** Stops the click events and the broker, and deletes the broker's data. */
    @Override
    public void close() {
        try {
            generator.close();
        }
        finally {
            broker.close();
        }
    }
}
