package io.eflow.it;

import io.eflow.contract.wire.Check;
import io.eflow.modules.AgentClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The guest's clock set forward a day and back an hour (a VM keeps its own clock; a namespace guest shares the host's):
 * a crashed module's restarts go on at their back-off, not a day early or an hour late, and {@code eflow check} warns
 * of the drift from the host. The pooled connection carries every command: it was made before the jumps, and a new
 * login would present a certificate dated by the host's clock.
 */
@QemuOnly
@VmCheck
class ClockIT {
    private static final Duration SLOW = Duration.ofSeconds(180);
    private static TestHost host;
    private static String guest;

    @BeforeAll
    static void shareGuest(TestHost testHost) {
        host = testHost;
        guest = testHost.sharedGuest(TestHost.QEMU);
    }

    @Test
    void backOffGoesOnAndCheckWarnsWhenTheGuestClockJumps() throws Exception {
        AgentClient agent = new AgentClient(host.manager());
        agent.load(guest, EdgeAgentIT.busyboxImage(host), null);
        agent.apply(guest, EdgeAgentIT.manifest(Map.of("crasher",
                EdgeAgentIT.module("sleep 1; exit 3", "always", "running", 0, "crash"))).getBytes(StandardCharsets.UTF_8));
        try {
            await().atMost(SLOW).until(() -> restarts(agent) >= 3); // back-off of 4 s and more from here

            setGuestClock(Instant.now().plus(Duration.ofDays(1)));
            int beforeForward = restarts(agent);
            await("restarts after the clock went forward a day").atMost(SLOW).until(() -> restarts(agent) > beforeForward);
            Check clock = agent.check(guest).stream().filter(c -> c.id().equals("clock")).findFirst().orElseThrow();
            assertThat(clock.status()).as(clock.detail()).isEqualTo("warning");

            // a back-off wait of seconds under way, measured on the wall clock, would now last an hour more
            await().atMost(SLOW).until(() -> agent.modules(guest).get("crasher").runtimeStatus().equals("backoff"));
            setGuestClock(Instant.now().minus(Duration.ofHours(1)));
            int beforeBack = restarts(agent);
            await("restarts after the clock went back an hour").atMost(SLOW).until(() -> restarts(agent) > beforeBack);
        } finally {
            setGuestClock(Instant.now());
            SharedGuestTest.putBack(host, TestHost.QEMU, f -> false);
        }
        Check clock = agent.check(guest).stream().filter(c -> c.id().equals("clock")).findFirst().orElseThrow();
        assertThat(clock.status()).as(clock.detail()).isEqualTo("ok");
    }

    private static int restarts(AgentClient agent) {
        return agent.modules(guest).get("crasher").restartCount();
    }

    private static void setGuestClock(Instant time) {
        var result = host.manager().invoke(guest, List.of("sudo", "date", "-u", "-s", "@" + time.getEpochSecond()),
                Duration.ofSeconds(30));
        assertThat(result.exitCode()).as(result.stderrText()).isZero();
    }
}
