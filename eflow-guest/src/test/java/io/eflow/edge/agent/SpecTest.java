package io.eflow.edge.agent;

import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A fresh {@link SpecFixture} in its own temporary folder for each test. */
abstract class SpecTest {
    @TempDir
    Path dir;
    SpecFixture fixture;

    @BeforeEach
    void newFixture() {
        fixture = new SpecFixture(dir);
    }

    /** Rendering with these createOptions fails with an error that names the module first. */
    AbstractThrowableAssert<?, ? extends Throwable> assertRefused(String createOptions) {
        fixture.createOptions = createOptions;
        return assertThatThrownBy(fixture::render).isInstanceOf(ModuleSpecException.class)
                .hasMessageStartingWith("module '" + SpecFixture.MODULE + "': ");
    }
}
