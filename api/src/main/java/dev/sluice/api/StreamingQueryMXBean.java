package dev.sluice.api;

/**
 * A running query's numbers for JMX ({@code dev.sluice:type=StreamingQuery,name=<query name>}), so that
 * standard monitoring (JConsole, the Prometheus JMX exporter...) can scrape them. Values are those of the
 * last completed batch unless named "total".
 */
public interface StreamingQueryMXBean {
    String getName();

    String getId();

    boolean isActive();

    /** What the query is doing now ({@link StreamingQuery#status()}), e.g. waiting for Kafka to come back. */
    String getStatus();

    long getLastBatchId();

    long getInputRows();

    double getInputRowsPerSecond();

    double getProcessedRowsPerSecond();

    long getSchedulingDelayMillis();

    long getProcessingTimeMillis();

    long getTotalDelayMillis();

    long getLag();

    long getTotalInputRows();

    long getTotalMalformedRows();
}
