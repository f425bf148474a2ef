package dev.sluice.shell;

import static java.util.Objects.requireNonNull;

import dev.sluice.api.QueryProgress;
import dev.sluice.api.Sluice;
import dev.sluice.api.SluiceException;
import dev.sluice.api.StatementResult;
import dev.sluice.api.StreamingQuery;
import dev.sluice.execution.error.ErrorType;
import dev.sluice.shell.printer.ResultPrinter;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the shell's statements against a session and prints what they return: a message as its text, rows
 * through the {@link ResultPrinter}, a continuous query as the line {@code Started query <name> (id <id>)}.
 *
 * <p>{@code SELECT STREAM} runs in the foreground: each micro-batch goes to the printer as it comes, and
 * {@link #run} returns when the query ends, or stops the query (gracefully) when the calling thread is
 * interrupted, which is what Ctrl-C does, or leaves it running in the background on {@link #sendToBackground()}
 * (Ctrl-Z). A query that runs on its own ({@code INSERT INTO ... SELECT STREAM}: its result says so) runs in
 * the background.
 */
public final class StatementRunner {
    private static final Logger log = LoggerFactory.getLogger(StatementRunner.class);
    private static final Duration STATUS_INTERVAL = Duration.ofMillis(200);

    private final Sluice sluice;
    private final ResultPrinter printer;
    private final PrintWriter out;
    private final PrintWriter err;
    /** Set while a SELECT STREAM runs in the foreground; setting its flag sends the query to the background. */
    private volatile AtomicBoolean foreground;

    /**
     * @param out where messages go
     * @param err where errors go, as {@code ERROR: <message>}
     */
    public StatementRunner(Sluice sluice, ResultPrinter printer, PrintWriter out, PrintWriter err) {
        this.sluice = requireNonNull(sluice, "sluice is null");
        this.printer = requireNonNull(printer, "printer is null");
        this.out = requireNonNull(out, "out is null");
        this.err = requireNonNull(err, "err is null");
    }

    /**
     * Runs statements in order up to the first that fails, whose error it prints ({@code ERROR: <message>};
     * the stack trace goes to the log).
     *
     * @return whether all statements succeeded
     */
    public boolean runAll(List<String> statements) {
        for (String statement : statements) {
            try {
                run(statement);
            }
            // Errors too (a missing class, a stack overflow in planning): the shell outlives a bad statement.
            catch (RuntimeException | Error e) {
                reportError(statement, e);
                return false;
            }
        }
        return true;
    }

    /**
     * Runs one statement (without its semicolon) and prints its result.
     *
     * @throws SluiceException if the statement is invalid or fails
     */
    public void run(String statement) {
        // A Ctrl-C pressed while no statement ran must not stop the next one.
        Thread.interrupted();
        try {
            log.debug("Running: {}", statement);
            if (StatementSplitter.firstKeyword(statement).equals("HELP")) {
                println(out, HelpText.TEXT);
                return;
            }
            AtomicBoolean detached = new AtomicBoolean();
            foreground = detached;
            // Once sent to the background, a SELECT STREAM's rows are no longer printed (they'd mix with the prompt).
            StatementResult result = sluice.execute(statement, batch -> {
                if (!detached.get()) {
                    printer.printBatch(batch);
                }
            });
            if (result instanceof StatementResult.Message message) {
                println(out, message.text());
            }
            else if (result instanceof StatementResult.Rows rows) {
                printer.printRows(rows.columns(), rows.rows());
            }
            else if (result instanceof StatementResult.Query query) {
                if (query.background()) {
                    println(out, "Started query " + query.query().name() + " (id " + query.query().id() + ")");
                }
                else {
                    awaitForeground(query.query(), detached);
                }
            }
        }
        finally {
            foreground = null;
            Thread.interrupted();
        }
    }

    /**
     * Sends the running {@code SELECT STREAM}, if any, to the background (Ctrl-Z does this): it goes on
     * without printing, {@link #run} returns, and {@code SHOW QUERIES} / {@code STOP QUERY} reach it.
     *
     * @return whether there was a foreground query to send
     */
    public boolean sendToBackground() {
        AtomicBoolean current = foreground;
        return current != null && current.compareAndSet(false, true);
    }

    /**
     * Waits until each continuous query of the session has ended (batch mode does so before exiting).
     *
     * @return whether all ended without failing; the first failure is printed as an error
     */
    public boolean awaitActiveQueries() {
        for (StreamingQuery query : sluice.activeQueries()) {
            try {
                query.awaitTermination();
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            catch (RuntimeException | Error e) {
                reportError(query.sql(), e);
                return false;
            }
        }
        return true;
    }

    /**
     * Prints an error for the user (its message, never a stack trace). An internal error (a bug) is logged with
     * its stack trace; the user's own, or an external one, with its message only.
     */
    public void reportError(String statement, Throwable e) {
        if (e instanceof SluiceException s && s.type() != ErrorType.INTERNAL_ERROR) {
            log.info("Statement failed ({}): {}: {}", s.type(), statement, s.getMessage());
        }
        else {
            log.error("Statement failed with an internal error: {}", statement, e);
        }
        String message = errorMessage(e);
        println(err, "ERROR: " + message);
        ErrorPosition.of(message).flatMap(p -> p.render(statement)).ifPresent(where -> println(err, where));
    }

    /** What the user sees of an error: the message of a user's or external error, or the internal error's name. */
    static String errorMessage(Throwable e) {
        if (e instanceof SluiceException s && s.type() != ErrorType.INTERNAL_ERROR && e.getMessage() != null) {
            return e.getMessage();
        }
        if (e instanceof SluiceException && e.getMessage() != null) {
            return e.getMessage() + " (details in the log)";  // "Internal error: ..."
        }
        // Not the user's fault: name it, the details are in the log.
        return "Internal error: " + e + " (details in the log)";
    }

    /**
     * Waits for a foreground query, printing a status line after each batch (batch id, rates, lag, delay),
     * as the Flink SQL client and the Spark UI show them.
     */
    private void awaitForeground(StreamingQuery query, AtomicBoolean detached) {
        try {
            long shown = -1;
            while (!query.awaitTermination(STATUS_INTERVAL)) {
                if (detached.get()) {
                    println(out, "Query " + query.name() + " continues in the background, its rows not shown "
                            + "(SHOW QUERIES; STOP QUERY " + query.name() + ").");
                    return;
                }
                Optional<QueryProgress> last = query.lastProgress();
                if (last.isPresent() && last.get().batchId() != shown) {
                    shown = last.get().batchId();
                    println(out, status(last.get()));
                }
            }
        }
        catch (InterruptedException e) {
            log.info("Stopping query {} (interrupted)", query.name());
            query.stop();
            println(out, "Query " + query.name() + " stopped.");
            query.exception().ifPresent(failure -> {
                throw failure;
            });
        }
    }

    static String status(QueryProgress p) {
        return String.format(Locale.ROOT, "-- batch %d: %d rows in, %d out | %,.0f rows/s in, %,.0f rows/s processed"
                + " | lag %d | delay %d ms (scheduling %d ms)", p.batchId(), p.inputRows(), p.outputRows(),
                p.inputRowsPerSecond(), p.processedRowsPerSecond(), p.totalLag(), p.totalDelayMillis(),
                p.schedulingDelayMillis());
    }

    private static void println(PrintWriter writer, String text) {
        writer.println(text);
        writer.flush();
    }
}
