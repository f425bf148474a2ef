package dev.sluice.chaos;

import static java.util.Objects.requireNonNull;

import java.util.Random;

/**
 * When one query process is killed, drawn from the scenario's seeded random. Half the kills come a random time
 * after launch (uniform in the settings' delays: while the JVM starts, while it recovers its checkpoint, or
 * anywhere among its batches). The other half aim inside a batch, since batches are short and a kill at a
 * random time mostly lands between them: once the run's first to fourth batch has started, after a random
 * 0 to 125 % of the time the run's previous batch took (of 1 s for its first batch, which loads classes; of
 * 200 ms for its second), so that they land while it reads, writes to the sink, commits its state or its
 * commit marker, or just after.
 *
 * @param batch 0 to kill {@code delayMillis} after launch; otherwise the batch of the run to kill in
 * @param delayMillis for {@code batch} 0, the delay after launch
 * @param fraction for a batch, the delay after its start as a fraction of the previous batch's duration
 */
record KillPlan(int batch, long delayMillis, double fraction) {
    private static final long FIRST_BATCH_MILLIS = 1_000;
    private static final long SECOND_BATCH_MILLIS = 200;

    static KillPlan draw(Random random, ChaosSettings settings) {
        requireNonNull(random, "random is null");
        if (random.nextBoolean()) {
            return new KillPlan(0, settings.minDelayMillis()
                    + (long) (random.nextDouble() * (settings.maxDelayMillis() - settings.minDelayMillis())), 0);
        }
        return new KillPlan(1 + random.nextInt(4), 0, random.nextDouble() * 1.25);
    }

    /**
     * The delay after the batch's start, given how long the run's previous batch took (-1: unknown, for the first
     * two batches of a run).
     */
    long delayInBatch(long previousBatchMillis) {
        long reference = previousBatchMillis >= 0 ? Math.max(1, previousBatchMillis)
                : batch == 1 ? FIRST_BATCH_MILLIS : SECOND_BATCH_MILLIS;
        return (long) (fraction * reference);
    }
}
