package io.eflow.it;

import io.eflow.channel.CommandResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.Parameter;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** For {@link BothBackends} classes that work in the backend's shared guest: the backend, the guest, and commands in it. */
abstract class SharedGuestTest {
    @Parameter
    String backend;
    TestHost host;
    String guest;

    @BeforeEach
    void shareGuest(TestHost testHost) {
        host = testHost;
        guest = testHost.sharedGuest(backend);
    }

    CommandResult invoke(String... command) {
        return host.manager().invoke(guest, List.of(command), Duration.ofSeconds(60));
    }

    /** Runs a command that must succeed and returns its output, stripped. */
    String run(String... command) {
        CommandResult result = invoke(command);
        assertThat(result.exitCode()).as(String.join(" ", command) + ": " + new String(result.stderr(), StandardCharsets.UTF_8)).isZero();
        return result.stdoutText().strip();
    }
}
