package dev.sluice.execution.state;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.RowSchema;

/**
 * The keyed state of one stateful operator of a plan: its id (its directory under {@code state/} in the
 * checkpoint, unique in the plan) and the schemas of its keys and values.
 */
public record StateSpec(String operatorId, RowSchema keySchema, RowSchema valueSchema) {
    public StateSpec {
        requireNonNull(operatorId, "operatorId is null");
        requireNonNull(keySchema, "keySchema is null");
        requireNonNull(valueSchema, "valueSchema is null");
    }
}
