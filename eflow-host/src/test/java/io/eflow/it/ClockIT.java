package io.eflow.it;

import io.eflow.contract.wire.Check;
import io.eflow.instance.model.Feature;
import io.eflow.modules.AgentClient;
import io.eflow.platform.Exec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The guest's clock set forward a day and back an hour (a VM keeps its own clock; a namespace guest shares the host's):
 * a crashed module's restarts go on at their back-off, not a day early or an hour late, and {@code eflow check} warns
 * of the drift from the host (time-sync off, so that no daemon sets the clock right meanwhile). With time-sync on, a
 * daemon that first logs in while the guest's clock lags hours behind sets it to the host's.
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
        host.manager().setFeature(guest, Feature.TIME_SYNC, false);
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
            host.manager().setFeature(guest, Feature.TIME_SYNC, true);
            SharedGuestTest.putBack(host, TestHost.QEMU, f -> false);
        }
        Check clock = agent.check(guest).stream().filter(c -> c.id().equals("clock")).findFirst().orElseThrow();
        assertThat(clock.status()).as(clock.detail()).isEqualTo("ok");
    }

    @Test
    void theDaemonSetsAGuestClockHoursBehindToTheHostsFromItsFirstLogin() throws Exception {
        String home = host.paths().home().toString();
        // the daemon's connection must be a new one, made while the guest's clock lags: its certificate is dated by
        // the host's clock, and a guest that refused it could not be set right
        Launcher.stopDaemon(home);
        host.manager().setFeature(guest, Feature.TIME_SYNC, true);
        setGuestClock(Instant.now().minus(Duration.ofHours(3)));
        try {
            Exec.Result listed = Launcher.run(host, 120, "list");
            assertThat(listed.exitCode()).as(listed.stderr()).isZero();
            await("the daemon sets the guest's clock").atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(5))
                    .until(() -> Math.abs(guestSeconds() - Instant.now().getEpochSecond()) <= 2);
            assertThat(Files.readString(host.paths().log().resolve("eflowd.log")))
                    .containsPattern(guest + ": the guest's clock was 10[0-9]{3}\\.[0-9]+ s behind the host's; set it");
        } finally {
            Launcher.stopDaemon(home);
            setGuestClock(Instant.now());
        }
    }

    private static long guestSeconds() {
        var result = host.manager().invoke(guest, List.of("date", "-u", "+%s"), Duration.ofSeconds(30));
        assertThat(result.exitCode()).as(result.stderrText()).isZero();
        return Long.parseLong(result.stdoutText().strip());
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
