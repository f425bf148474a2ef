package dev.sluice.chaos;

/**
 * The deterministic pseudo-random numbers behind the generated input: row {@code i} of a run with seed
 * {@code s} always gets the same values (SplitMix64's finaliser over {@code s} and {@code i}), whatever
 * order or timing the rows are produced in.
 */
final class RowHash {
    private RowHash() {
    }

    /** A well-mixed 64-bit value for row {@code index} under {@code seed}. */
    static long of(long seed, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A value in {@code [0, bound)} for row {@code index} and draw {@code draw} under {@code seed}. */
    static int below(long seed, long index, int draw, int bound) {
        return (int) Math.floorMod(of(seed + draw * 0x632BE59BD9B4E019L, index), (long) bound);
    }
}
