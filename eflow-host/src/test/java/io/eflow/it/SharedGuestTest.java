package io.eflow.it;

import io.eflow.channel.CommandResult;
import io.eflow.forward.Forward;
import io.eflow.forward.Forwards;
import io.eflow.modules.AgentClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.Parameter;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

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

    /**
     * Leaves the shared guest as every class may expect it, whatever order classes run in: no modules, and none of the
     * forwards a class added (a class that changes more puts that back itself).
     */
    static void putBack(TestHost host, String backend, Predicate<Forward> added) {
        String guest = host.sharedGuest(backend);
        new AgentClient(host.manager()).apply(guest, EdgeAgentIT.manifest(Map.of()).getBytes(StandardCharsets.UTF_8));
        try (Forwards forwards = new Forwards(host.manager())) {
            for (Forward forward : forwards.list(guest)) {
                if (added.test(forward)) {
                    forwards.remove(guest, forward);
                }
            }
        }
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
