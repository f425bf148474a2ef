package dev.sluice.chaos;

import dev.sluice.api.QueryProgress;
import dev.sluice.api.Sluice;
import dev.sluice.api.SluiceException;
import dev.sluice.api.StatementResult;
import dev.sluice.api.StreamingQuery;
import dev.sluice.api.StreamingQueryListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Main class of the query process, the JVM the harness kills: runs a SQL script through Sluice's public API
 * (a {@link Sluice} session), whose last statement starts one continuous query ({@code INSERT INTO ...
 * SELECT STREAM ...}, with the query name and checkpoint root set by the script), and keeps it running until
 * killed, or until its stdin ends: then it stops the query gracefully (the running batch commits) and exits 0.
 * A statement or query that fails exits 1.
 *
 * <p>It tells the harness what it is doing with one line per event on stdout, so that the harness can say
 * where each kill landed: {@code STARTED <name>}, {@code SUBMITTED <batch>} (offsets logged),
 * {@code RUNNING <batch>}, {@code COMMITTED <batch> <input rows> <output rows> <late rows> <{phase=ms, ...}>},
 * {@code STOPPED}, {@code FAILED <message>}.
 *
 * <p>Usage: {@code ChaosQuery <bootstrap servers> <sluice home> <script.sql>}; statements end with {@code ;}.
 */
public final class ChaosQuery {
    private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);

    private ChaosQuery() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: ChaosQuery <bootstrap servers> <sluice home> <script.sql>");
            System.exit(2);
        }
        List<String> statements = statements(Files.readString(Path.of(args[2])));
        Sluice sluice = Sluice.builder().home(Path.of(args[1])).bootstrapServers(args[0]).build();
        sluice.addListener(new EventPrinter());
        StreamingQuery query = null;
        for (String statement : statements) {
            StatementResult result;
            try {
                result = sluice.execute(statement);
            } catch (SluiceException e) {
                // A start that fails (a checkpoint the restart can't read, ...) is a finding: say so and why.
                OUT.println("FAILED " + e.getMessage().replace('\n', ' '));
                e.printStackTrace();
                System.exit(1);
                return;
            }
            if (result instanceof StatementResult.Query q) {
                query = q.query();
            }
        }
        if (query == null) {
            System.err.println("The script " + args[2] + " starts no continuous query");
            System.exit(2);
        }
        OUT.println("STARTED " + query.name());
        StreamingQuery running = query;
        Thread stopper = new Thread(() -> {
            awaitEndOfInput(System.in);
            running.stop();
        }, "chaos-stdin");
        stopper.setDaemon(true);
        stopper.start();
        int exit = 0;
        try {
            running.awaitTermination();
            OUT.println("STOPPED");
        } catch (SluiceException e) {
            OUT.println("FAILED " + e.getMessage().replace('\n', ' '));
            e.printStackTrace();
            exit = 1;
        }
        sluice.close();
        System.exit(exit);
    }

    /** The statements of a script: separated by {@code ;}, blank ones and {@code --} comment lines left out. */
    static List<String> statements(String script) {
        String withoutComments = script.lines().filter(l -> !l.strip().startsWith("--"))
                .reduce("", (a, b) -> a + b + "\n");
        return Arrays.stream(withoutComments.split(";")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static void awaitEndOfInput(InputStream in) {
        try {
            while (in.read() >= 0) {
                // Runs until stdin ends.
            }
        } catch (IOException e) {
            // Treated as the end of stdin.
        }
    }

    /** Prints the query's batch events, one line each, as they happen. */
    private static final class EventPrinter implements StreamingQueryListener {
        @Override
        public void onBatchSubmitted(StreamingQuery query, long batchId) {
            OUT.println("SUBMITTED " + batchId);
        }

        @Override
        public void onBatchStarted(StreamingQuery query, long batchId) {
            OUT.println("RUNNING " + batchId);
        }

        @Override
        public void onBatchCompleted(StreamingQuery query, QueryProgress progress) {
            OUT.println("COMMITTED " + progress.batchId() + " " + progress.inputRows() + " " + progress.outputRows()
                    + " " + progress.lateRows() + " " + progress.durationMillis());
        }

        @Override
        public void onQueryTerminated(StreamingQuery query, Optional<SluiceException> error) {
            // main prints STOPPED or FAILED.
        }
    }
}
