package dev.sluice.execution.flow;

import java.util.OptionalDouble;

/**
 * Estimates the rate (records per second) the next batch should take in, from how the last batch went: a
 * PID controller as in Spark Streaming's backpressure ({@code PIDRateEstimator}). The error is the
 * difference between the rate of the last batch and the rate it was processed at; the integral term is
 * the backlog the scheduling delay represents; the derivative term damps changes. Never below
 * {@code minRate}. Not thread-safe: the query's driver thread owns it.
 */
public final class PidRateEstimator {
    private final long batchIntervalMillis;
    private final double proportional;
    private final double integral;
    private final double derivative;
    private final double minRate;

    private boolean firstRun = true;
    private long latestTimeMillis = -1;
    private double latestRate = -1;
    private double latestError = -1;

    public PidRateEstimator(long batchIntervalMillis, double proportional, double integral, double derivative,
                            double minRate) {
        if (batchIntervalMillis <= 0 || proportional < 0 || integral < 0 || derivative < 0 || minRate <= 0) {
            throw new IllegalArgumentException("Invalid PID settings");
        }
        this.batchIntervalMillis = batchIntervalMillis;
        this.proportional = proportional;
        this.integral = integral;
        this.derivative = derivative;
        this.minRate = minRate;
    }

    /** Spark's defaults: proportional 1.0, integral 0.2, derivative 0, minimum 100 records/s. */
    public static PidRateEstimator withDefaults(long batchIntervalMillis) {
        return new PidRateEstimator(batchIntervalMillis, 1.0, 0.2, 0.0, 100);
    }

    /**
     * Updates the estimate after a batch.
     *
     * @param timeMillis when the batch completed
     * @param elements records the batch processed
     * @param processingDelayMillis how long the batch took
     * @param schedulingDelayMillis how late the batch started after it was due
     * @return the new rate, or empty when the batch says nothing (no records, no time, time not advancing)
     */
    public OptionalDouble compute(long timeMillis, long elements, long processingDelayMillis, long schedulingDelayMillis) {
        if (timeMillis <= latestTimeMillis || elements <= 0 || processingDelayMillis <= 0) {
            return OptionalDouble.empty();
        }
        double delaySinceUpdate = (timeMillis - latestTimeMillis) / 1000.0;
        double processingRate = elements / (double) processingDelayMillis * 1000;
        double error = latestRate - processingRate;
        // The backlog: records that piled up during the scheduling delay, spread over one interval.
        double historicalError = schedulingDelayMillis * processingRate / batchIntervalMillis;
        double dError = (error - latestError) / delaySinceUpdate;
        double newRate = Math.max(latestRate - proportional * error - integral * historicalError - derivative * dError,
                minRate);
        latestTimeMillis = timeMillis;
        if (firstRun) {
            latestRate = processingRate;
            latestError = 0;
            firstRun = false;
            return OptionalDouble.empty();
        }
        latestRate = newRate;
        latestError = error;
        return OptionalDouble.of(newRate);
    }
}
