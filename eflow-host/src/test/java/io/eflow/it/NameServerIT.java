package io.eflow.it;

import io.eflow.daemon.api.NameServerView;
import io.eflow.instance.InstanceManager;
import io.eflow.modules.AgentClient;
import io.eflow.platform.EflowException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Set-EflowVmDNSServers after deploy: a name server on the test's own "plant" network (Debian's dnsmasq in a network
 * namespace) answers the running guest's lookups as soon as {@code eflow dns set} names it, and {@code dns clear}
 * gives the guest its default back. Whether each start gives the servers to the guest is in {@link NextStartIT}.
 */
@BothBackends
class NameServerIT extends SharedGuestTest {
    private static final String NAME = "plant-it.example";
    private static final String ANSWER = "198.51.100.77";
    @TempDir
    Path tmp;
    private AttackerHost plant;
    private Process dnsmasq;
    private Path log;

    @BeforeEach
    void plantNameServer() throws Exception {
        plant = new AttackerHost(host.runId());
        log = tmp.resolve("dnsmasq.log");
        // no configuration file, no upstream, no /etc/hosts: it answers for the one name and refuses the rest
        dnsmasq = plant.serve(List.of("dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
                "--bind-interfaces", "--listen-address=" + AttackerHost.FIRST, "--address=/" + NAME + "/" + ANSWER, "--log-queries",
                "--log-facility=-", "--pid-file=" + tmp.resolve("dnsmasq.pid"), "--user=root"), log, 53);
    }

    @AfterEach
    void removePlant() throws Exception {
        host.manager().hostResources().setNameServers(guest, null, List.of());
        dnsmasq.destroy();
        dnsmasq.waitFor();
        plant.close();
    }

    @Test
    void theGuestAsksTheServersSetAfterDeployAtOnceAndTheDefaultOnesAfterClear() throws Exception {
        InstanceManager manager = host.manager();
        NameServerView before = manager.hostResources().nameServers(guest);
        assertThat(before.inGuest()).as("the guest uses what each start gives it").isEqualTo(before.servers());
        assertThat(invoke("getent", "hosts", NAME).exitCode()).as("unknown before").isNotZero();

        NameServerView set = manager.hostResources().setNameServers(guest, null, List.of(AttackerHost.FIRST));
        assertThat(set.servers()).containsExactly(AttackerHost.FIRST);
        assertThat(set.source()).isEqualTo("eflow dns set");
        assertThat(set.inGuest()).containsExactly(AttackerHost.FIRST);
        assertThat(run("getent", "hosts", NAME)).matches(ANSWER.replace(".", "\\.") + "\\s+" + NAME.replace(".", "\\."));
        assertThat(Files.readString(log)).as("answered by the plant's dnsmasq").contains("query[A] " + NAME + " from ");

        assertThatThrownBy(() -> manager.hostResources().setNameServers(guest, null, List.of("127.0.0.53"))).isInstanceOf(EflowException.class)
                .hasMessageContaining("loopback");
        assertThatThrownBy(() -> manager.hostResources().setNameServers(guest, null, List.of("1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4")))
                .hasMessageContaining("at most 3");
        assertThat(manager.hostResources().nameServers(guest)).as("a refused change changes nothing").isEqualTo(set);

        run("sudo", "sh", "-c", "echo nameserver 192.0.2.99 > /etc/resolv.conf");
        assertThat(new AgentClient(manager).check(guest)).filteredOn(check -> check.id().equals("dns")).singleElement()
                .satisfies(check -> assertThat(check.status()).isEqualTo("warning"))
                .satisfies(check -> assertThat(check.detail()).startsWith("the guest uses 192.0.2.99, not " + AttackerHost.FIRST));

        NameServerView cleared = manager.hostResources().setNameServers(guest, null, List.of());
        assertThat(cleared.servers()).isEqualTo(before.servers());
        assertThat(cleared.source()).isEqualTo(before.source());
        assertThat(cleared.inGuest()).isEqualTo(before.servers());
    }
}
