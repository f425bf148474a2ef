package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.execution.connector.ConnectorRegistry;
import dev.sluice.planner.catalog.Catalog;
import dev.sluice.planner.sql.QueryPlanner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The warm-up runs every step and leaves nothing behind: no table in the catalog, no file in the home. */
class EngineWarmUpTest {
    @TempDir
    Path home;

    @Test
    void warmUpCreatesNothing() throws IOException {
        Catalog catalog = Catalog.inMemory();
        ConnectorRegistry connectors = ConnectorRegistry.loadFromClassPath();
        EngineWarmUp warmUp = new EngineWarmUp(home, connectors, new QueryPlanner(catalog, connectors));
        warmUp.run();
        assertEquals(List.of(), warmUp.failedSteps());
        assertTrue(warmUp.doneSteps().containsAll(List.of("planner session", "Arrow", "file system", "JMX",
                "connector kafka", "planner")),
                warmUp.doneSteps().toString());
        assertEquals(List.of(), catalog.tables());
        try (Stream<Path> files = Files.walk(home)) {
            assertEquals(List.of(home), files.toList());
        }
    }

    /**
     * Once a user's statement is being planned, no query is planned beside it; the rest still runs, the planning
     * session's set-up included.
     */
    @Test
    void plannerIsNotWarmedUpBesideAUsersPlanning() {
        Catalog catalog = Catalog.inMemory();
        ConnectorRegistry connectors = ConnectorRegistry.loadFromClassPath();
        EngineWarmUp warmUp = new EngineWarmUp(home, connectors, new QueryPlanner(catalog, connectors));
        warmUp.plannerInUse();
        warmUp.run();
        assertFalse(warmUp.doneSteps().contains("planner"), warmUp.doneSteps().toString());
        assertTrue(warmUp.doneSteps().containsAll(List.of("planner session", "Arrow", "file system", "connector kafka")),
                warmUp.doneSteps().toString());
    }
}
