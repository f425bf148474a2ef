package dev.sluice.api;

/**
 * Receives the rows of each micro-batch of a {@code SELECT STREAM} query (the shell prints them). Called
 * from the query's thread, one batch at a time; a batch with no rows is not delivered.
 */
@FunctionalInterface
public interface BatchConsumer {
    void accept(ResultBatch batch) throws Exception;
}
