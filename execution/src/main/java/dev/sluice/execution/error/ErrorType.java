package dev.sluice.execution.error;

/**
 * Whose an error is, as Trino's {@code ErrorType}: what a client shows and what an operator must look at. A
 * user's error is shown as its message; an internal one is a bug, shown as such with its stack trace in the
 * log. The kind travels with the exception (see {@link EngineException}), never guessed from its Java class.
 */
public enum ErrorType {
    /** The statement, its options or its data are at fault; the message says what to change. */
    USER_ERROR,
    /** Not enough memory, threads or time for the work asked: smaller input or more resources would do. */
    INSUFFICIENT_RESOURCES,
    /** A bug in Sluice: nothing the user did explains it. */
    INTERNAL_ERROR,
    /** Something outside Sluice failed: the Kafka cluster, the file system, the network. */
    EXTERNAL
}
