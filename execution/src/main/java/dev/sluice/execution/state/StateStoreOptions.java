package dev.sluice.execution.state;

/**
 * How a {@link StateStoreProvider} lays out its files.
 *
 * @param snapshotInterval a full snapshot is written after this many deltas since the previous one: more
 *     means less writing per batch but longer restores (each restore replays up to this many deltas)
 * @param versionsToRetain the newest versions that stay restorable; files needed only by older versions
 *     are deleted after each commit
 */
public record StateStoreOptions(int snapshotInterval, int versionsToRetain) {
    public static final int DEFAULT_SNAPSHOT_INTERVAL = 10;
    public static final int DEFAULT_VERSIONS_TO_RETAIN = 20;
    public static final StateStoreOptions DEFAULT = new StateStoreOptions(DEFAULT_SNAPSHOT_INTERVAL,
            DEFAULT_VERSIONS_TO_RETAIN);

    public StateStoreOptions {
        if (snapshotInterval < 1) {
            throw new IllegalArgumentException("snapshotInterval must be at least 1, not " + snapshotInterval);
        }
        if (versionsToRetain < 1) {
            throw new IllegalArgumentException("versionsToRetain must be at least 1, not " + versionsToRetain);
        }
    }
}
