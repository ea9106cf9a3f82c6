package io.eflow.it;

import io.eflow.channel.CommandResult;
import io.eflow.daemon.api.InstanceDetails;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guest is locked down on either backend: read-only root, no package manager, its own processes and interfaces
 * only, a runtime that cannot gain privileges. What only a container needs (seccomp, a trimmed capability set) is in
 * {@link NamespaceConfinementIT}; CPU and memory limits are in {@link NextStartIT}.
 */
@BothBackends
class GuestIsolationIT extends SharedGuestTest {

    @Test
    @VmCheck
    void rootFilesystemIsReadOnlyEvenForRoot() {
        CommandResult asUser = invoke("touch", "/usr/x");
        assertThat(asUser.exitCode()).isNotZero();
        assertThat(asUser.stderrText()).contains("Read-only file system");
        CommandResult asRoot = invoke("sudo", "touch", "/usr/x");
        assertThat(asRoot.exitCode()).isNotZero();
        assertThat(asRoot.stderrText()).contains("Read-only file system");
        assertThat(invoke("sudo", "mount", "-o", "remount,rw", "/").exitCode()).isNotZero();
    }

    @Test
    void packageManagerIsGone() {
        for (String tool : List.of("apt", "apt-get", "dpkg", "apt-cache", "dpkg-query")) {
            CommandResult which = invoke("sh", "-c", "command -v " + tool + " || ls /usr/bin/" + tool + " /usr/sbin/" + tool);
            assertThat(which.exitCode()).as(tool + " must be absent").isNotZero();
        }
        assertThat(invoke("ls", "-d", "/var/lib/dpkg").exitCode()).isNotZero();
        assertThat(invoke("ls", "-d", "/etc/apt").exitCode()).isNotZero();
    }

    @Test
    void guestSeesOnlyItsOwnProcesses() throws Exception {
        Process marker = new ProcessBuilder("sleep", "4321.5").start();
        try {
            String processes = invoke("ps", "-e", "-o", "pid=,args=").stdoutText();
            assertThat(processes).doesNotContain("4321.5");
            assertThat(processes.lines().map(String::trim).filter(l -> l.startsWith("1 ")).findFirst()).hasValueSatisfying(
                    init -> assertThat(init).contains("runit"));
        } finally {
            marker.destroy();
            marker.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void guestSeesOnlyItsOwnInterfaces() {
        List<String> interfaces = invoke("sh", "-c", "ls /sys/class/net").stdoutText().lines().map(String::trim).toList();
        assertThat(interfaces).containsExactlyInAnyOrder("lo", "eth0");
    }

    @Test
    void hostnameIsTheInstanceName() {
        assertThat(invoke("hostname").stdoutText().trim()).isEqualTo(guest);
    }

    @Test
    void theRuntimeCannotGainPrivileges() {
        String status = invoke("sh", "-c", "cat /proc/$(pgrep -f '[e]flow-guest.jar' | head -1)/status").stdoutText();
        assertThat(status).containsPattern("NoNewPrivs:\\s+1");
    }

    @Test
    @VmCheck
    void getReportsTheRuntimeAndStatistics() {
        InstanceDetails details = host.manager().get(guest);
        assertThat(details.runtime().status()).isIn("running", "starting");
        assertThat(details.configuration().backend().cliName()).isEqualTo(backend);
        assertThat(details.statistics().data().mount()).isEqualTo("/var");
        assertThat(details.statistics().logs().mount()).isEqualTo("/logs");
        assertThat(details.statistics().data().totalMb()).isBetween(1500L, 2100L);
    }
}
