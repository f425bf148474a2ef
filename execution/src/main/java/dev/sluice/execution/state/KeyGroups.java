package dev.sluice.execution.state;

import java.util.zip.CRC32C;

/**
 * The key groups of operator state (Flink's "max parallelism"): every key of every stateful operator belongs
 * to one of {@link #COUNT} groups, by a stable hash of its encoded bytes (CRC-32C: the same in every JVM and
 * release). A group never splits, so state can later be divided between processes by ranges of groups,
 * each process loading and writing only its own keys ({@link Range}).
 */
public final class KeyGroups {
    /** How many key groups there are; fixed, as it decides where every key of every checkpoint belongs. */
    public static final int COUNT = 128;

    private KeyGroups() {
    }

    /** The group of an encoded state key, in {@code [0, COUNT)}. */
    public static int of(byte[] key) {
        CRC32C crc = new CRC32C();
        crc.update(key, 0, key.length);
        return (int) (crc.getValue() % COUNT);
    }

    /** Groups {@code [from, until)}. */
    public record Range(int from, int until) {
        /** Every group: one process holds all the state. */
        public static final Range ALL = new Range(0, COUNT);

        public Range {
            if (from < 0 || until > COUNT || from >= until) {
                throw new IllegalArgumentException("Key groups [" + from + ", " + until + ") are not a range within [0, "
                        + COUNT + ")");
            }
        }

        /** The {@code index}-th of {@code parts} ranges of about equal size that cover every group. */
        public static Range split(int parts, int index) {
            if (parts < 1 || parts > COUNT || index < 0 || index >= parts) {
                throw new IllegalArgumentException("Can't take part " + index + " of " + parts + " of " + COUNT
                        + " key groups");
            }
            return new Range(index * COUNT / parts, (index + 1) * COUNT / parts);
        }

        public boolean contains(byte[] key) {
            int group = of(key);
            return group >= from && group < until;
        }

        public boolean isAll() {
            return from == 0 && until == COUNT;
        }

        @Override
        public String toString() {
            return "key groups [" + from + ", " + until + ")";
        }
    }
}
