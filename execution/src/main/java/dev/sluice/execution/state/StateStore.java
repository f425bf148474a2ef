package dev.sluice.execution.state;

import static java.util.Objects.requireNonNull;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One version of an operator's state, open for one batch: reads and writes go to the in-memory map of the
 * {@link StateStoreProvider}; {@link #commit} writes the keys changed since the version it was opened at as a
 * delta file (and maybe a snapshot) and makes the result the new version; {@link #abort} undoes every change.
 *
 * <p>Keys and values are byte arrays in the encodings of the provider's key and value schemas. The store
 * keeps the arrays it is given and returns its own: neither side may modify them afterwards.
 *
 * <p>Lifecycle: {@code provider.getStore(v)} &gt; get / put / remove / iterator &gt; {@code commit(w)} with
 * {@code w > v}, or {@code abort()}; after either, every method but {@link #version()} and {@link #metrics()}
 * fails. Not thread-safe.
 */
public final class StateStore {
    /** The version of the state before any batch committed: empty. */
    public static final long EMPTY_VERSION = -1;

    private final StateStoreProvider provider;
    private final long version;
    private final HashMap<StateKey, byte[]> map;
    /** The value each key changed since opening had at opening (null: absent). */
    private final HashMap<StateKey, byte[]> originals = new HashMap<>();
    private long bytes;
    private boolean open = true;
    private long metricsVersion;
    /** Rows when closed (the map is then the next store's), or -1 while open. */
    private long closedRows = -1;

    StateStore(StateStoreProvider provider, long version, HashMap<StateKey, byte[]> map) {
        this.provider = provider;
        this.version = version;
        this.map = map;
        this.bytes = provider.loadedBytes();
        this.metricsVersion = version;
    }

    /** The version this store was opened at. */
    public long version() {
        return version;
    }

    /** The value of {@code key}, or null if absent. */
    public byte[] get(byte[] key) {
        checkOpen();
        return map.get(new StateKey(requireNonNull(key, "key is null")));
    }

    /** Sets the value of {@code key}. */
    public void put(byte[] key, byte[] value) {
        checkOpen();
        requireNonNull(value, "value is null");
        StateKey k = new StateKey(requireNonNull(key, "key is null"));
        provider.checkKeyGroup(key);
        byte[] previous = map.put(k, value);
        remember(k, previous);
        bytes += StateStoreProvider.entryBytes(key, value) - (previous == null ? 0 : StateStoreProvider.entryBytes(key, previous));
    }

    /** Removes {@code key} if present. */
    public void remove(byte[] key) {
        checkOpen();
        StateKey k = new StateKey(requireNonNull(key, "key is null"));
        byte[] previous = map.remove(k);
        if (previous != null) {
            remember(k, previous);
            bytes -= StateStoreProvider.entryBytes(key, previous);
        }
    }

    /** Every entry, in no particular order; the store must not be modified while iterating. */
    public Iterator<StateEntry> iterator() {
        checkOpen();
        Iterator<Map.Entry<StateKey, byte[]>> entries = map.entrySet().iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return entries.hasNext();
            }

            @Override
            public StateEntry next() {
                Map.Entry<StateKey, byte[]> e = entries.next();
                return new StateEntry(e.getKey().bytes(), e.getValue());
            }
        };
    }

    /** Keys held. */
    public long size() {
        checkOpen();
        return map.size();
    }

    /**
     * Writes the changes as version {@code newVersion} (the id of the batch that made them) and closes the
     * store. On failure the store is closed too and the batch must be re-run from a new {@code getStore}.
     *
     * @throws IllegalArgumentException if {@code newVersion} is not above {@link #version()}
     * @throws java.io.UncheckedIOException if the file system fails
     */
    public void commit(long newVersion) {
        checkOpen();
        if (newVersion <= version) {
            throw new IllegalArgumentException("State version " + newVersion + " must be above the version "
                    + version + " the store was opened at");
        }
        List<Map.Entry<StateKey, byte[]>> changes = new ArrayList<>(originals.size());
        for (Map.Entry<StateKey, byte[]> e : originals.entrySet()) {
            byte[] now = map.get(e.getKey());
            if (!Arrays.equals(now, e.getValue())) {
                changes.add(new AbstractMap.SimpleImmutableEntry<>(e.getKey(), now));
            }
        }
        open = false;
        closedRows = map.size();
        provider.commit(this, newVersion, changes, bytes);
        metricsVersion = newVersion;
    }

    /** Undoes every change and closes the store; does nothing if already committed or aborted. */
    public void abort() {
        if (!open) {
            return;
        }
        for (Map.Entry<StateKey, byte[]> e : originals.entrySet()) {
            if (e.getValue() == null) {
                map.remove(e.getKey());
            } else {
                map.put(e.getKey(), e.getValue());
            }
        }
        open = false;
        closedRows = map.size();
        bytes = provider.loadedBytes();
        provider.abort(this);
    }

    /** Size of the state: as of now while open, as committed after {@link #commit}, as opened after {@link #abort}. */
    public StateStoreMetrics metrics() {
        return new StateStoreMetrics(metricsVersion, open ? map.size() : closedRows, bytes);
    }

    private void remember(StateKey key, byte[] previous) {
        if (!originals.containsKey(key)) {
            originals.put(key, previous);
        }
    }

    private void checkOpen() {
        if (!open) {
            throw new IllegalStateException("State store of operator '" + provider.operatorId() + "' at version "
                    + version + " is no longer open (committed or aborted)");
        }
    }
}
