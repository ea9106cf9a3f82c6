package io.eflow.it;

import io.eflow.channel.CommandResult;
import io.eflow.contract.wire.Check;
import io.eflow.contract.wire.HubStatus;
import io.eflow.daemon.api.HubPublish;
import io.eflow.modules.AgentClient;
import io.eflow.modules.HubClient;
import io.eflow.modules.RuntimeSocket;
import io.eflow.platform.EflowException;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The guest's partitions filled to the last block, as a module or a runaway log would: the guest keeps running and
 * answering, says what it cannot keep, loses nothing it acknowledged, and resumes once space is back.
 */
@BothBackends
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DiskFullIT extends SharedGuestTest {
    private static final Duration SLOW = Duration.ofSeconds(120);
    private static final String RUNTIME_LOG = "/proc/$(pgrep -f '[e]flow-guest.jar' | head -1)/fd/1";

    @AfterParameterizedClassInvocation
    static void putTheGuestBack(String backend, TestHost host) {
        host.manager().invoke(host.sharedGuest(backend), List.of("sudo", "sh", "-c", "rm -f /logs/eflow-fill.* /var/eflow-fill.*"),
                Duration.ofSeconds(30));
        putBack(host, backend, f -> false);
    }

    @Test
    @Order(1)
    void aFullLogDiskCostsLogLinesButNeverHoldsTheRuntimeUp() {
        fill("/logs");
        try {
            // 240 KB into the runtime's own log, as if it had logged that much: svlogd stops reading while it cannot
            // write, and a plain pipe would hold the writer (the runtime, or sshd) once 64 KiB wait in it
            CommandResult burst = host.manager().invoke(guest, List.of("sudo", "sh", "-c",
                    "yes 'a runtime log line while the log disk is full, about eighty bytes long' | head -n 3000 > "
                            + RUNTIME_LOG), Duration.ofSeconds(60));
            assertThat(burst.exitCode()).as(burst.stderrText()).isZero();
            assertThat(agent().modules(guest)).as("the runtime answers").isNotNull();
            assertThat(run("echo", "still-here")).isEqualTo("still-here");
        } finally {
            unfill("/logs");
        }
        // with room again, the log says what it lost
        await().atMost(SLOW).untilAsserted(() -> {
            run("sudo", "sh", "-c", "echo 'log disk has room again' > " + RUNTIME_LOG);
            assertThat(run("sudo", "cat", "/logs/eflow-guest/current"))
                    .containsPattern("log-pump: [0-9]+ lines dropped: the log disk had no room for them")
                    .contains("log disk has room again");
        });
    }

    @Test
    @Order(2)
    void aFullDataDiskRefusesMessagesWithTheReasonKeepsModulesRunningAndResumes() throws Exception {
        agent().load(guest, EdgeAgentIT.busyboxImage(host), null);
        agent().apply(guest, EdgeAgentIT.manifest(Map.of("ticker",
                EdgeAgentIT.module("while true; do sleep 1; done", "always", "running", 0, "tick"))).getBytes(StandardCharsets.UTF_8));
        await().atMost(SLOW).until(() -> agent().modules(guest).get("ticker").runtimeStatus().equals("running"));
        HubPublish message = new HubPublish("ticker", "input1", null, "hello", Map.of(), null, null);
        long before = queued();
        hub().publish(guest, message);

        fill("/var");
        int kept = 1;
        try {
            // what is left of the store's last block still takes a message or two
            HubPublish large = new HubPublish("ticker", "input1", null, "x".repeat(16_384), Map.of(), null, null);
            EflowException refused = null;
            for (int i = 0; i < 20 && refused == null; i++) {
                try {
                    hub().publish(guest, large);
                    kept++;
                } catch (EflowException e) {
                    refused = e;
                }
            }
            assertThat(refused).as("refused once the disk has no block left").isNotNull();
            assertThat(refused.getMessage()).contains("is full").contains("/var");
            assertThatThrownBy(() -> hub().publish(guest, message)).isInstanceOf(EflowException.class).hasMessageContaining("is full");
            assertThat(hub().metrics(guest)).containsPattern("edgehub_messages_refused_total\\{reason=\"disk_full\"} [1-9]");
            assertThat(agent().modules(guest).get("ticker").runtimeStatus()).as("modules keep running").isEqualTo("running");
            Check disk = agent().check(guest).stream().filter(c -> c.id().equals("disk-var")).findFirst().orElseThrow();
            assertThat(disk.status()).as(disk.detail()).isEqualTo("warning");
            assertThat(disk.detail()).startsWith("0 MiB free");
        } finally {
            unfill("/var");
        }
        await().atMost(SLOW).ignoreExceptions().untilAsserted(() -> hub().publish(guest, message));
        assertThat(queued() - before).as("every message taken is kept for the module's input").isEqualTo(kept + 1);
        assertThat(agent().check(guest)).filteredOn(c -> c.id().equals("images")).singleElement()
                .satisfies(images -> assertThat(images.status()).isEqualTo("ok"));
    }

    /**
     * Fills the partition to its last block, as root (who may use the blocks ext4 keeps for root). ext4 also holds back
     * up to 4096 clusters from data for its own metadata: statfs counts them free, fallocate cannot have them.
     */
    private void fill(String partition) {
        for (int attempt = 1; ; attempt++) {
            run("sudo", "sh", "-c", "f=$(stat -f -c %f " + partition + "); [ $f -gt 4200 ] && fallocate -l $(( (f - 4200) * $(stat -f -c %S "
                    + partition + ") )) " + partition + "/eflow-fill." + attempt + "; dd if=/dev/zero of=" + partition
                    + "/eflow-fill.top." + attempt + " bs=4k 2>/dev/null; true");
            CommandResult more = invoke("sudo", "dd", "if=/dev/zero", "of=" + partition + "/eflow-fill.probe." + attempt, "bs=4k",
                    "count=1", "conv=fsync");
            if (more.exitCode() != 0) {
                assertThat(more.stderrText()).contains("No space left on device");
                return;
            }
            // space came back meanwhile: svlogd drops its oldest file when it rotates, which the fill itself brings on
            assertThat(attempt).as(partition + " stays full: " + more.stderrText()).isLessThan(5);
        }
    }

    private void unfill(String partition) {
        run("sudo", "sh", "-c", "rm -f " + partition + "/eflow-fill.*");
    }

    /** Messages waiting for the ticker's input, which nothing reads. */
    private long queued() {
        HubStatus.Endpoint input = hub().status(guest).store().endpoints().get("ticker/inputs/input1");
        return input == null ? 0 : input.queueLength();
    }

    private AgentClient agent() {
        return new AgentClient(host.manager());
    }

    private HubClient hub() {
        return new HubClient(new RuntimeSocket(host.manager()));
    }
}
