package io.eflow.it;

import io.eflow.daemon.api.NameServerView;
import io.eflow.daemon.api.SetRequest;
import io.eflow.instance.InstanceManager;
import io.eflow.instance.model.InstanceLayout;
import io.eflow.instance.model.NameServers;
import io.eflow.instance.model.NetworkConfig;
import io.eflow.instance.model.PowerState;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a stop and a start keep and what they change, seen over one restart of the shared guest (each restart of a VM
 * under TCG costs most of a minute): writes to the /etc and /home overlays and to /var land on the data disk and
 * survive; --cpus and --memory hold the guest to its share on either backend (cgroup limits for namespace, vCPUs and
 * RAM for qemu), and Set-EflowVM ('eflow set') changes them from the next start, not before; 'set --data-size' grows
 * /var (for good: disks do not shrink) at that start with its files intact; 'set --ip' moves its link to another
 * subnet; name servers set while the guest is stopped are its resolvers from that start. A second restart puts
 * the shared guest's size back, and shows the files survive that one too.
 */
@BothBackends
@VmCheck
class NextStartIT extends SharedGuestTest {
    private static final long GB = 1L << 30;
    /** The address 'set --ip' moves the guest to (TEST-NET-3 is documentation-only, so free on any host). */
    private static final String MOVED = "203.0.113.2";
    private static final String MOVED_GATEWAY = "203.0.113.1";

    /** CPUs and memory (MB) as the guest is held to them. */
    record Sizing(int cpus, long memoryMb) {
    }

    @Test
    void filesSurviveAndSizingChangesFromTheNextStart() throws IOException {
        InstanceManager manager = host.manager();
        NetworkConfig before = manager.config(guest).network();
        String token = UUID.randomUUID().toString();
        run("sudo", "sh", "-c", "echo " + token + " > /etc/eflow-it && echo " + token + " > /var/eflow-it"
                + " && echo " + token + " > /home/iotedge-user/it");
        assertThat(observed()).isEqualTo(new Sizing(1, 1024));
        try {
            long varBefore = varBytes();
            assertThat(varBefore).as("deployed with --data-size 2").isBetween(GB, 2 * GB);
            manager.set(guest, new SetRequest(2, 1536, 4, null, MOVED, 24, MOVED_GATEWAY));
            assertThat(observed()).as("not before the next start").isEqualTo(new Sizing(1, 1024));
            assertThat(varBytes()).isEqualTo(varBefore);
            manager.stop(guest);
            assertThat(manager.get(guest).powerState()).isEqualTo(PowerState.STOPPED);
            manager.stop(guest); // a no-op when already stopped
            manager.hostResources().setNameServers(guest, null, List.of("198.51.100.53", "198.51.100.54"));
            manager.start(guest);
            manager.start(guest); // a no-op when already running
            assertThat(observed()).isEqualTo(new Sizing(2, 1536));
            assertThat(varBytes()).as("/var grown from 2 to 4 GB").isBetween(3 * GB, 4 * GB);
            assertThat(run("ip", "-4", "-o", "addr", "show", "dev", "eth0")).contains(" " + MOVED + "/24 ");
            assertThat(run("ip", "-4", "route", "show", "default")).startsWith("default via " + MOVED_GATEWAY + " ");
            assertThat(manager.addr(guest).ip()).isEqualTo(MOVED);
            assertThat(written()).as("written before the stop").containsExactly(token, token, token);
            assertThat(NameServers.inResolvConf(run("cat", "/etc/resolv.conf"))).as("dns set while stopped")
                    .containsExactly("198.51.100.53", "198.51.100.54");
        } finally {
            manager.set(guest, new SetRequest(1, 1024, null, null, before.address(), before.prefix(), before.gateway()));
            manager.hostResources().setNameServers(guest, null, List.of());
            manager.stop(guest);
            manager.start(guest);
        }
        assertThat(observed()).isEqualTo(new Sizing(1, 1024));
        assertThat(written()).as("after a second restart").containsExactly(token, token, token);
        NameServerView servers = manager.hostResources().nameServers(guest);
        assertThat(servers.inGuest()).as("the default again: " + servers.source()).isEqualTo(servers.servers());
        run("sudo", "rm", "/etc/eflow-it", "/var/eflow-it", "/home/iotedge-user/it");
    }

    /** The size of the guest's /var file system as the guest sees it. */
    private long varBytes() {
        return Long.parseLong(run("df", "-B1", "--output=size", "/var").lines().toList().get(1).trim());
    }

    private List<String> written() {
        return run("cat", "/etc/eflow-it", "/var/eflow-it", "/home/iotedge-user/it").lines().toList();
    }

    private Sizing observed() throws IOException {
        return backend.equals(TestHost.QEMU) ? insideTheVm() : cgroupLimits();
    }

    /** A VM's vCPUs, and its RAM rounded up to the 512 MB step deploy allows (MemTotal is RAM less the kernel's share). */
    private Sizing insideTheVm() {
        String out = host.manager().invoke(guest, List.of("sh", "-c", "nproc; grep MemTotal /proc/meminfo"), Duration.ofSeconds(30))
                .stdoutText();
        List<String> lines = out.lines().toList();
        long memTotalMb = Long.parseLong(lines.get(1).replaceAll("[^0-9]", "")) / 1024;
        return new Sizing(Integer.parseInt(lines.get(0).trim()), (memTotalMb + 511) / 512 * 512);
    }

    /** The limits of the guest init's cgroups: v1 controllers on this host's hybrid layout, or v2. */
    private Sizing cgroupLimits() throws IOException {
        long init = Long.parseLong(Files.readString(InstanceLayout.of(host.paths(), guest).run().resolve("guest.pid")).trim());
        List<String> cgroups = Files.readAllLines(Path.of("/proc/" + init + "/cgroup"));
        Path root = Path.of("/sys/fs/cgroup");
        String memoryLine = cgroups.stream().filter(l -> l.contains(":memory:")).findFirst().orElse(null);
        if (memoryLine != null) {
            long memory = Long.parseLong(Files.readString(root.resolve("memory" + memoryLine.split(":", 3)[2] + "/memory.limit_in_bytes")).trim());
            String cpuLine = cgroups.stream().filter(l -> l.matches("\\d+:[^:]*\\bcpu\\b[^:]*:.*")).findFirst().orElseThrow();
            String dir = cpuLine.split(":", 3)[1] + cpuLine.split(":", 3)[2];
            long quota = Long.parseLong(Files.readString(root.resolve(dir + "/cpu.cfs_quota_us")).trim());
            long period = Long.parseLong(Files.readString(root.resolve(dir + "/cpu.cfs_period_us")).trim());
            return new Sizing((int) (quota / period), memory >> 20);
        }
        String path = cgroups.stream().filter(l -> l.startsWith("0::")).findFirst().orElseThrow().substring(4);
        long memory = Long.parseLong(Files.readString(root.resolve(path + "/memory.max")).trim());
        String[] cpu = Files.readString(root.resolve(path + "/cpu.max")).trim().split(" ");
        return new Sizing((int) (Long.parseLong(cpu[0]) / Long.parseLong(cpu[1])), memory >> 20);
    }
}
