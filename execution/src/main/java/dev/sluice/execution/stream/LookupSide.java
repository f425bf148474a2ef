package dev.sluice.execution.stream;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The static side of a lookup join: the pipelines that read it (whole, each batch) and its join keys.
 *
 * @param id the index the probe operators find its table under
 * @param width the number of columns of its rows
 * @param primaryKey the static table's primary key columns, if it declares one: it joins as its latest row per
 *     key; empty otherwise (every row joins)
 */
record LookupSide(int id, List<TaskPipeline> pipelines, List<Integer> keys, int width, List<Integer> primaryKey) {
    LookupSide {
        pipelines = List.copyOf(pipelines);
        keys = List.copyOf(keys);
        primaryKey = List.copyOf(primaryKey);
        requireNonNull(pipelines, "pipelines is null");
    }
}
