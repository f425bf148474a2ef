package dev.sluice.execution.checkpoint;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;

/**
 * What is wrong with a checkpoint file that can't be read, said in words that follow its name ("Checkpoint
 * file X" + this): empty, cut short, garbled, or valid JSON of the wrong shape, and where. Never quotes the
 * file's content: a garbled file may hold anything (Jackson's own messages quote up to 256 characters of it).
 */
public final class CheckpointFileDefect {
    private CheckpointFileDefect() {
    }

    /** What is wrong with a first line {@code line} that is not the version line {@code expected}. */
    public static String ofVersionLine(String line, String expected) {
        String stripped = line.strip();
        if (stripped.matches("v[0-9]{1,9}")) {
            return " has version '" + stripped + "'; this Sluice reads '" + expected + "'";
        }
        if (line.isEmpty()) {
            return " is empty (truncated?)";
        }
        boolean text = line.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
        return " does not start with the version line '" + expected + "': its first line is " + line.length()
                + " characters" + (text ? "" : ", not all of them text") + " (garbled, or not a checkpoint file?)";
    }

    /**
     * What is wrong with the JSON document {@code json}, which starts on line {@code firstLine + 1} of its
     * file, that failed to read as a {@code type}.
     */
    public static String ofJson(JsonProcessingException e, String json, int firstLine, Class<?> type) {
        JsonLocation at = e.getLocation();
        if (json.isBlank()) {
            return " ends after line " + firstLine + " (truncated?)";
        }
        // The parser or the mapper ran out of input: the file was cut short.
        if (e instanceof JsonEOFException || at != null && at.getCharOffset() >= json.stripTrailing().length()) {
            return " is not valid JSON: it ends in the middle of a value at " + where(at, firstLine) + " (truncated?)";
        }
        if (e instanceof DatabindException databind) {
            return " is JSON but not a valid " + type.getSimpleName() + field(databind) + " at " + where(at, firstLine)
                    + ": " + problem(databind);
        }
        boolean zeros = json.indexOf('\0') >= 0;  // what a machine crash may leave in a file's last blocks
        return " is not valid JSON at " + where(at, firstLine)
                + (zeros ? ": it holds zero bytes (a crash of the machine or file system?)" : " (garbled?)");
    }

    /** A place in the file: Jackson counts the lines of the JSON document, which follows {@code firstLine} lines. */
    private static String where(JsonLocation location, int firstLine) {
        if (location == null || location.getLineNr() < 1) {
            return "an unknown place";
        }
        return "line " + (location.getLineNr() + firstLine)
                + (location.getColumnNr() > 0 ? ", column " + location.getColumnNr() : "");
    }

    /** The field of a value that does not fit, as a JSON path ({@code sources.clicks[0].fromOffset}), if known. */
    private static String field(DatabindException e) {
        if (!(e instanceof JsonMappingException mapping) || mapping.getPath().isEmpty()) {
            return "";
        }
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : mapping.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.length() == 0 ? "" : " (field '" + path + "')";
    }

    /** Why a value does not fit: our own check's message, or the kind of problem (Jackson's quotes the value). */
    private static String problem(DatabindException e) {
        if (e instanceof ValueInstantiationException && e.getCause() != null && e.getCause().getMessage() != null) {
            return e.getCause().getMessage();
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            return "expected a " + mismatch.getTargetType().getSimpleName() + " there";
        }
        return "a value of the wrong type or shape";
    }
}
