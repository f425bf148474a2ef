package dev.sluice.chaos;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One continuous query the harness kills and restarts: its topics, its SQL, its input (deterministic rows,
 * written in rounds while it runs), the reference result computed in plain Java from that input, and how to
 * read what its sink holds. Rows are compared in the canonical form of {@link JsonRow#canonical}.
 */
interface Scenario {
    /** The scenarios, in the order {@code ./sluice chaos} runs them. */
    List<String> NAMES = List.of("file", "window", "kafka", "join");

    /** The scenario's name, also in its topic names and query name. */
    String name();

    /** The query's name: its checkpoint is {@code <checkpoint root>/<query name>}. */
    default String queryName() {
        return "chaos_" + name();
    }

    /** Every topic to create before the first run, with its partition count. */
    Map<String, Integer> topics();

    /** The topics the query reads: it has caught up when its committed offsets reach their ends. */
    List<String> inputTopics();

    /**
     * The query process's SQL script: options (the checkpoint root and query name among them), tables, then
     * the {@code INSERT INTO ... SELECT STREAM ...}. Runs again, unchanged, at each restart.
     */
    String script(Path checkpointRoot);

    /** Round {@code round} of the input: rows {@code round * rows} to {@code (round + 1) * rows - 1}. */
    List<ProducerRecord<String, String>> round(int round, int rows);

    /**
     * Input written after every round, one list at a time, each once the query has caught up with what came
     * before (e.g. to move the watermark past the last windows). Empty by default.
     */
    default List<List<ProducerRecord<String, String>>> closing(int rounds, int rows) {
        return List.of();
    }

    /** The rows the sink must hold, computed from every record produced (rounds and closing input). */
    List<String> expected(List<ProducerRecord<String, String>> produced);

    /** The rows the sink holds. */
    List<String> found(String bootstrapServers) throws IOException;

    /** Something about the sink worth reporting that is not a difference (e.g. files left by killed runs). */
    default String notes() throws IOException {
        return "";
    }

    /**
     * The scenario {@code name}, with topics named {@code <topicPrefix>-...} and its files under {@code dir}.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    static Scenario create(String name, String topicPrefix, Path dir, long seed) {
        return switch (name) {
            case "file" -> new FilterScenario(false, topicPrefix, dir, seed);
            case "kafka" -> new FilterScenario(true, topicPrefix, dir, seed);
            case "window" -> new WindowScenario(topicPrefix, dir, seed);
            case "join" -> new JoinScenario(topicPrefix, dir, seed);
            default -> throw new IllegalArgumentException("Unknown scenario '" + name + "'; known: " + NAMES);
        };
    }

    /** A SQL string literal of {@code text}. */
    static String quote(Object text) {
        return "'" + text.toString().replace("'", "''") + "'";
    }
}
