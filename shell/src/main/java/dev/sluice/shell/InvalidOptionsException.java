package dev.sluice.shell;

/** The command line is invalid; the message names the option at fault. */
public final class InvalidOptionsException extends RuntimeException {
    public InvalidOptionsException(String message) {
        super(message);
    }
}
