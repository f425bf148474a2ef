package dev.sluice.execution.testing;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A fresh allocator for each test, closed afterwards, so a leaked Arrow buffer fails the test. */
public abstract class ArrowTestBase {
    protected BufferAllocator allocator;

    @BeforeEach
    protected void openAllocator() {
        allocator = new RootAllocator();
    }

    @AfterEach
    protected void closeAllocator() {
        allocator.close();
    }
}
