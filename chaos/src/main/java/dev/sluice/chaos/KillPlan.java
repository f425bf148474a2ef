package dev.sluice.chaos;

import static java.util.Objects.requireNonNull;

import java.util.Random;

/**
 * When one query process is killed, drawn from the scenario's seeded random:
 * <ul>
 *   <li>half the kills come a random time after launch (uniform in the settings' delays): while the JVM starts,
 *       while it recovers its checkpoint, or anywhere among its batches;</li>
 *   <li>a quarter aim inside a batch, since batches are short and a kill at a random time mostly lands between
 *       them: once the run's first to fourth batch has started, after a random 0 to 125 % of the time the run's
 *       previous batch took (of 1 s for its first batch; of 200 ms for its second);</li>
 *   <li>a quarter aim at the end of a batch, from its sink write to its commit marker, where a sink that is not
 *       exactly-once duplicates: once the run's first to fourth batch has started, after the time the previous
 *       batch spent reading and processing plus a random part of the time it spent in its sink and commit
 *       (for a run's first batch, which loads classes and takes the backlog of the time the query was down,
 *       the previous run's first batch stands for the previous one).</li>
 * </ul>
 *
 * @param batch 0 to kill {@code delayMillis} after launch; otherwise the batch of the run to kill in
 * @param delayMillis for {@code batch} 0, the delay after launch
 * @param sinkOrCommit for a batch, whether to aim at its sink and commit phases rather than anywhere in it
 * @param fraction for a batch, where in the aimed span to kill (0 its start, 1 its end)
 */
record KillPlan(int batch, long delayMillis, boolean sinkOrCommit, double fraction) {
    private static final long FIRST_BATCH_MILLIS = 1_000;
    private static final long SECOND_BATCH_MILLIS = 200;

    static KillPlan draw(Random random, ChaosSettings settings) {
        requireNonNull(random, "random is null");
        if (random.nextBoolean()) {
            return new KillPlan(0, settings.minDelayMillis()
                    + (long) (random.nextDouble() * (settings.maxDelayMillis() - settings.minDelayMillis())), false, 0);
        }
        boolean sinkOrCommit = random.nextBoolean();
        return new KillPlan(1 + random.nextInt(4), 0, sinkOrCommit, random.nextDouble() * (sinkOrCommit ? 1 : 1.25));
    }

    /**
     * The delay after the batch's start, given the phase times of the run's previous batch (null for the first
     * two batches of a run) and of the previous run's first batch (null if no run got that far yet).
     */
    long delayInBatch(BatchTimes previousBatch, BatchTimes firstBatchOfLastRun) {
        BatchTimes previous = batch == 1 ? firstBatchOfLastRun : previousBatch;
        if (previous == null) {
            return (long) (fraction * (batch == 1 ? FIRST_BATCH_MILLIS : SECOND_BATCH_MILLIS));
        }
        if (sinkOrCommit) {
            return previous.processMillis() + (long) (fraction * (previous.sinkMillis() + previous.commitMillis() + 1));
        }
        return (long) (fraction * Math.max(1, previous.totalMillis()));
    }
}
