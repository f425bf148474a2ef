package dev.sluice.jdbc;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.MissingResultsException;
import org.apache.calcite.avatica.NoSuchStatementException;

/**
 * The rows of a result, fetched frame by frame, handed out as soon as they arrive. Avatica's own iterator
 * fetches one row ahead, so on a stream the last row of a micro-batch would wait for the next batch; this one
 * fetches only when asked for a row it does not have.
 */
public final class FrameIterable implements Iterable<Object> {
    private static final int FETCH_SIZE = 1000;

    private final Meta meta;
    private final Meta.StatementHandle handle;
    private final Meta.Frame firstFrame;

    public FrameIterable(Meta meta, Meta.StatementHandle handle, Meta.Frame firstFrame) {
        this.meta = requireNonNull(meta, "meta is null");
        this.handle = requireNonNull(handle, "handle is null");
        this.firstFrame = firstFrame;
    }

    @Override
    public Iterator<Object> iterator() {
        return new Iterator<>() {
            private final Deque<Object> buffered = new ArrayDeque<>();
            private long offset;
            private boolean done;

            {
                if (firstFrame != null) {
                    take(firstFrame);
                }
            }

            @Override
            public boolean hasNext() {
                while (buffered.isEmpty() && !done) {
                    try {
                        take(meta.fetch(handle, offset, FETCH_SIZE));
                    } catch (NoSuchStatementException | MissingResultsException e) {
                        done = true;  // the statement is gone (closed or cancelled): no more rows
                    }
                }
                return !buffered.isEmpty();
            }

            @Override
            public Object next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return buffered.removeFirst();
            }

            private void take(Meta.Frame frame) {
                if (frame == null) {
                    done = true;
                    return;
                }
                for (Object row : frame.rows) {
                    buffered.addLast(row);
                    offset++;
                }
                done = frame.done;
            }
        };
    }
}
