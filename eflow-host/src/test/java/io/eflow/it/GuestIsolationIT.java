package io.eflow.it;

import io.eflow.channel.CommandResult;
import io.eflow.instance.InstanceDetails;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The guest is locked down: read-only root, no package manager, its own processes and interfaces only. */
@ExtendWith(GuestFixture.class)
class GuestIsolationIT {
    private static TestHost host;
    private static String guest;

    @BeforeAll
    static void deploy(TestHost testHost) {
        host = testHost;
        guest = testHost.sharedGuest();
    }

    private static CommandResult run(String... argv) {
        return host.manager().invoke(guest, List.of(argv), Duration.ofSeconds(30));
    }

    @Test
    void rootFilesystemIsReadOnlyEvenForRoot() {
        CommandResult asUser = run("touch", "/usr/x");
        assertThat(asUser.exitCode()).isNotZero();
        assertThat(asUser.stderrText()).contains("Read-only file system");
        CommandResult asRoot = run("sudo", "touch", "/usr/x");
        assertThat(asRoot.exitCode()).isNotZero();
        assertThat(asRoot.stderrText()).contains("Read-only file system");
        assertThat(run("sudo", "mount", "-o", "remount,rw", "/").exitCode()).isNotZero();
    }

    @Test
    void packageManagerIsGone() {
        for (String tool : List.of("apt", "apt-get", "dpkg", "apt-cache", "dpkg-query")) {
            CommandResult which = run("sh", "-c", "command -v " + tool + " || ls /usr/bin/" + tool + " /usr/sbin/" + tool);
            assertThat(which.exitCode()).as(tool + " must be absent").isNotZero();
        }
        assertThat(run("ls", "-d", "/var/lib/dpkg").exitCode()).isNotZero();
        assertThat(run("ls", "-d", "/etc/apt").exitCode()).isNotZero();
    }

    @Test
    void guestSeesOnlyItsOwnProcesses() throws Exception {
        Process marker = new ProcessBuilder("sleep", "4321.5").start();
        try {
            String processes = run("ps", "-e", "-o", "pid=,args=").stdoutText();
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
        List<String> interfaces = run("sh", "-c", "ls /sys/class/net").stdoutText().lines().map(String::trim).toList();
        assertThat(interfaces).containsExactlyInAnyOrder("lo", "eth0");
    }

    @Test
    void hostnameIsTheInstanceName() {
        assertThat(run("hostname").stdoutText().trim()).isEqualTo(guest);
    }

    @Test
    void runtimeRunsWithoutNewPrivilegesUnderSeccompAndWithoutAdminCapabilities() {
        String status = run("sh", "-c", "cat /proc/$(pgrep -f '[e]flow-guest.jar' | head -1)/status").stdoutText();
        assertThat(status).containsPattern("NoNewPrivs:\\s+1");
        assertThat(status).containsPattern("Seccomp:\\s+2");
        long bounding = Long.parseUnsignedLong(status.lines().filter(l -> l.startsWith("CapBnd:")).findFirst().orElseThrow()
                .split("\\s+")[1], 16);
        assertThat(bounding & (1L << 21)).as("CAP_SYS_ADMIN").isZero();
        assertThat(bounding & (1L << 12)).as("CAP_NET_ADMIN").isZero();
        assertThat(bounding & (1L << 16)).as("CAP_SYS_MODULE").isZero();
    }

    @Test
    void everyGuestProcessIsUnderTheSeccompFilter() {
        String init = run("sudo", "cat", "/proc/1/status").stdoutText();
        assertThat(init).containsPattern("Seccomp:\\s+2");
        String shell = run("cat", "/proc/self/status").stdoutText();
        assertThat(shell).containsPattern("Seccomp:\\s+2");
    }

    @Test
    void cgroupLimitsHoldTheGuestToItsCpusAndMemory() throws Exception {
        var layout = io.eflow.instance.InstanceLayout.of(host.paths(), guest);
        long init = Long.parseLong(java.nio.file.Files.readString(layout.run().resolve("guest.pid")).trim());
        List<String> cgroups = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + init + "/cgroup"));
        java.nio.file.Path root = java.nio.file.Path.of("/sys/fs/cgroup");
        String memoryLine = cgroups.stream().filter(l -> l.contains(":memory:")).findFirst().orElse(null);
        if (memoryLine != null) { // cgroup v1 controllers (this host's hybrid layout)
            String memory = java.nio.file.Files.readString(root.resolve("memory" + memoryLine.split(":", 3)[2] + "/memory.limit_in_bytes"));
            assertThat(Long.parseLong(memory.trim())).isEqualTo(1024L << 20);
            String cpuLine = cgroups.stream().filter(l -> l.matches("\\d+:[^:]*\\bcpu\\b[^:]*:.*")).findFirst().orElseThrow();
            String controller = cpuLine.split(":", 3)[1];
            String quota = java.nio.file.Files.readString(root.resolve(controller + cpuLine.split(":", 3)[2] + "/cpu.cfs_quota_us"));
            assertThat(Long.parseLong(quota.trim())).isEqualTo(100_000L);
        } else { // cgroup v2
            String path = cgroups.stream().filter(l -> l.startsWith("0::")).findFirst().orElseThrow().substring(3);
            assertThat(java.nio.file.Files.readString(root.resolve(path.substring(1) + "/memory.max")).trim())
                    .isEqualTo(Long.toString(1024L << 20));
            assertThat(java.nio.file.Files.readString(root.resolve(path.substring(1) + "/cpu.max")).trim()).startsWith("100000 ");
        }
    }

    @Test
    void getReportsTheRuntimeAndStatistics() {
        InstanceDetails details = host.manager().get(guest);
        assertThat(details.runtime().status()).isIn("running", "starting");
        assertThat(details.statistics().data().mount()).isEqualTo("/var");
        assertThat(details.statistics().logs().mount()).isEqualTo("/logs");
        assertThat(details.statistics().data().totalMb()).isBetween(1500L, 2100L);
    }
}
