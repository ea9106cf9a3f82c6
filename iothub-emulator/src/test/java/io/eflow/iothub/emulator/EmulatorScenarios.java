package io.eflow.iothub.emulator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

/** One emulator on ephemeral ports for a class of SDK scenarios ({@link NodeSdk}), with state of its own. */
abstract class EmulatorScenarios {
    @TempDir
    static Path state;
    static IotHubEmulator emulator;

    @BeforeAll
    static void start() throws IOException {
        emulator = IotHubEmulator.start(new EmulatorOptions("localhost", "127.0.0.1", 0, 0, state));
    }

    @AfterAll
    static void stop() {
        if (emulator != null) {
            emulator.close();
            emulator = null;
        }
    }
}
