package dev.sluice.chaos;

/**
 * How hard one scenario is shaken.
 *
 * @param kills query processes killed with SIGKILL (one more run then finishes the input and is stopped cleanly)
 * @param rowsPerRound input rows per round (rounds are written one after the other while runs are killed)
 * @param rowsPerSecond the steady rate the input is written at
 * @param minDelayMillis shortest time from launching a query process to killing it, for the kills at a random
 *     time ({@link KillPlan})
 * @param maxDelayMillis longest such time; delays are uniform in between
 * @param seed the input rows and the kill delays derive from it: the same seed gives the same run
 */
record ChaosSettings(int kills, int rowsPerRound, double rowsPerSecond, long minDelayMillis, long maxDelayMillis,
                     long seed) {
    ChaosSettings {
        if (kills < 0 || rowsPerRound <= 0 || !(rowsPerSecond > 0) || minDelayMillis < 0 || maxDelayMillis < minDelayMillis) {
            throw new IllegalArgumentException("Invalid chaos settings: " + kills + " kills, " + rowsPerRound
                    + " rows per round, " + rowsPerSecond + " rows/s, delays " + minDelayMillis + ".." + maxDelayMillis
                    + " ms");
        }
    }
}
