package dev.sluice.ui;

import dev.sluice.api.QueryProgress;
import dev.sluice.api.SluiceException;
import dev.sluice.api.StreamingQuery;
import dev.sluice.api.StreamingQueryListener;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every continuous query of a session, running or ended, as a {@link StreamingQueryListener}: the session
 * itself forgets a query once it ends, the status page keeps it (the last {@value #ENDED_KEPT} ended runs).
 * Thread-safe.
 */
final class SessionQueries implements StreamingQueryListener {
    static final int ENDED_KEPT = 100;

    private final Clock clock;
    private final List<QueryRun> runs = new ArrayList<>();
    private long nextRun = 1;

    SessionQueries(Clock clock) {
        this.clock = clock;
    }

    /** Takes in the queries that were running before this listener was registered. */
    synchronized void adopt(List<StreamingQuery> running) {
        for (StreamingQuery q : running) {
            if (find(q).isEmpty()) {
                runs.add(new QueryRun(nextRun++, q, clock.instant()));
            }
        }
    }

    @Override
    public synchronized void onQueryStarted(StreamingQuery query) {
        if (find(query).isEmpty()) {
            runs.add(new QueryRun(nextRun++, query, clock.instant()));
        }
        forgetOldEndedRuns();
    }

    @Override
    public void onBatchCompleted(StreamingQuery query, QueryProgress progress) {
        runOf(query).ifPresent(run -> run.batchCompleted(progress));
    }

    @Override
    public void onQueryTerminated(StreamingQuery query, Optional<SluiceException> error) {
        runOf(query).ifPresent(run -> run.terminated(clock.instant(), error));
    }

    private synchronized Optional<QueryRun> runOf(StreamingQuery query) {
        return find(query);
    }

    private Optional<QueryRun> find(StreamingQuery query) {
        for (int i = runs.size() - 1; i >= 0; i--) {
            if (runs.get(i).query() == query) {
                return Optional.of(runs.get(i));
            }
        }
        return Optional.empty();
    }

    private void forgetOldEndedRuns() {
        long ended = runs.stream().filter(r -> r.endedAt().isPresent()).count();
        for (int i = 0; i < runs.size() && ended > ENDED_KEPT; ) {
            if (runs.get(i).endedAt().isPresent()) {
                runs.remove(i);
                ended--;
            } else {
                i++;
            }
        }
    }

    /** Every run, most recent first. */
    synchronized List<QueryRun> runs() {
        List<QueryRun> all = new ArrayList<>(runs);
        java.util.Collections.reverse(all);
        return all;
    }

    /**
     * The most recent run of the query with this id (a restarted query keeps its id) or, failing that, this
     * name.
     */
    synchronized Optional<QueryRun> find(String idOrName) {
        for (QueryRun r : runs()) {
            if (r.query().id().equals(idOrName)) {
                return Optional.of(r);
            }
        }
        return runs().stream().filter(r -> r.query().name().equals(idOrName)).findFirst();
    }
}
