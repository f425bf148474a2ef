package dev.sluice.execution.stream;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.RowSchema;

/** The keyed state of a plan's stateful operator: its id (its directory under {@code state/}) and schemas. */
record StateSpec(String operatorId, RowSchema keySchema, RowSchema valueSchema) {
    StateSpec {
        requireNonNull(operatorId, "operatorId is null");
        requireNonNull(keySchema, "keySchema is null");
        requireNonNull(valueSchema, "valueSchema is null");
    }
}
