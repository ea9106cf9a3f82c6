package io.eflow.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** runit supervises sshd and the runtime separately: management stays up when the runtime dies, and it comes back. */
@BothBackends
class SupervisionIT {
    @Parameter
    String backend;
    /** The runtime's command line; the brackets keep the pattern from matching the shells that carry it. */
    private static final String RUNTIME = "[e]flow-guest.jar";

    @Test
    void managementSurvivesTheRuntimeDyingAndTheRuntimeIsRestarted(TestHost host) {
        String guest = host.sharedGuest(backend);
        var manager = host.manager();
        String before = manager.invoke(guest, List.of("pgrep", "-f", RUNTIME), Duration.ofSeconds(10)).stdoutText().trim();
        assertThat(before).isNotEmpty();

        assertThat(manager.invoke(guest, List.of("sudo", "pkill", "-KILL", "-f", RUNTIME), Duration.ofSeconds(10))
                .exitCode()).isZero();
        // The channel still answers while the runtime is down.
        assertThat(manager.invoke(guest, List.of("echo", "still-here"), Duration.ofSeconds(10)).stdoutText()).contains("still-here");

        // a restart brings up the hub (its TLS, its store) and the agent: minutes in an emulated (TCG) VM
        await().atMost(Duration.ofSeconds(240)).untilAsserted(() -> {
            String after = manager.invoke(guest, List.of("pgrep", "-f", RUNTIME), Duration.ofSeconds(10)).stdoutText().trim();
            assertThat(after).isNotEmpty().isNotEqualTo(before);
            assertThat(manager.get(guest).runtime().status()).isEqualTo("running");
        });
    }
}
