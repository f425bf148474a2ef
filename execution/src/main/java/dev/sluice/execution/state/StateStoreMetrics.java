package dev.sluice.execution.state;

/**
 * The size of an operator's state, as reported in the query progress.
 *
 * @param version the state version these numbers describe
 * @param rows keys held
 * @param bytesEstimate encoded key and value bytes plus a fixed per-entry overhead of the in-memory map
 */
public record StateStoreMetrics(long version, long rows, long bytesEstimate) {
}
