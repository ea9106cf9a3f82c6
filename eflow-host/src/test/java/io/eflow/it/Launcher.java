package io.eflow.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.platform.Exec;
import io.eflow.platform.Json;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The real launcher ({@code bin/eflow}) run against a test install, and the daemon it starts there on demand. */
final class Launcher {
    static final Path PATH = Path.of("..", "bin", "eflow").toAbsolutePath().normalize();

    private Launcher() {
    }

    /** {@code eflow ARGS} with the test host's EFLOW_HOME and trusted keys. */
    static Exec.Result run(TestHost host, int timeoutSeconds, String... args) {
        List<String> argv = new ArrayList<>(List.of(PATH.toString()));
        argv.addAll(List.of(args));
        return Exec.of(argv).env("EFLOW_HOME", host.paths().home().toString())
                .env("EFLOW_TRUST_DIR", host.paths().trust().toString()).timeoutSeconds(timeoutSeconds).run();
    }

    /** The pid of the daemon serving {@code home}, as {@code eflow version --json} reports it; empty when none runs. */
    static Optional<Long> daemonPid(String home) {
        Exec.Result version = Exec.of(PATH.toString(), "version", "--json").env("EFLOW_HOME", home).timeoutSeconds(60).run();
        try {
            JsonNode pid = Json.mapper().readTree(version.stdout()).path("daemon").path("pid");
            return pid.canConvertToLong() ? Optional.of(pid.asLong()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // no daemon answered
        }
    }

    /** Stops the daemon serving {@code home}, if one runs, and waits until it has ended. */
    static void stopDaemon(String home) {
        daemonPid(home).flatMap(ProcessHandle::of).ifPresent(daemon -> {
            daemon.destroy();
            daemon.onExit().join();
        });
    }
}
