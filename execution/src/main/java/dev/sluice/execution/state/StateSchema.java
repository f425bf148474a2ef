package dev.sluice.execution.state;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.RowSchema;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The key and value schemas of an operator's state, written once to {@code state/<operatorId>/schema}, and
 * their fingerprint (SHA-256 over names and types; nullability is left out because it does not change the
 * encoding). Every state file carries the fingerprint too.
 */
record StateSchema(List<String> keySchema, List<String> valueSchema, String fingerprint) {
    StateSchema {
        keySchema = List.copyOf(keySchema);
        valueSchema = List.copyOf(valueSchema);
        requireNonNull(fingerprint, "fingerprint is null");
    }

    static StateSchema of(RowSchema keySchema, RowSchema valueSchema) {
        List<String> keys = describe(keySchema);
        List<String> values = describe(valueSchema);
        String text = "key(" + String.join(",", keys) + ");value(" + String.join(",", values) + ")";
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return new StateSchema(keys, values, HexFormat.of().formatHex(digest, 0, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> describe(RowSchema schema) {
        return schema.columns().stream().map(StateSchema::describe).toList();
    }

    private static String describe(Column column) {
        return column.name() + " " + column.type().sqlName();
    }

    /** Both schemas as people read them: {@code key (a VARCHAR, b INTEGER), value (n BIGINT)}. */
    String display() {
        return "key (" + String.join(", ", keySchema) + "), value (" + String.join(", ", valueSchema) + ")";
    }
}
