package io.eflow.it;

import io.eflow.boot.BootControl;
import io.eflow.channel.CommandResult;
import io.eflow.image.BootSlotInstaller;
import io.eflow.instance.InstanceManager;
import io.eflow.instance.model.InstanceLayout;
import io.eflow.instance.model.Slot;
import io.eflow.platform.Exec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What only the qemu backend has: the guest's own Debian kernel, QEMU's user-mode NAT with no port on the host, and
 * boot control choosing the slot — a trial slot that cannot boot gives way to the active one by itself. What both
 * backends share is tested on both (see {@link BothBackends}).
 */
@QemuOnly
@VmCheck
class QemuGuestIT {
    private static TestHost host;
    private static String guest;

    @BeforeAll
    static void shareGuest(TestHost testHost) {
        host = testHost;
        assertThat(host.image().hasBootParts()).as("the image has a kernel and initramfs").isTrue();
        guest = testHost.sharedGuest(TestHost.QEMU);
    }

    private static String run(String... command) {
        CommandResult result = host.manager().invoke(guest, List.of(command), Duration.ofSeconds(60));
        assertThat(result.exitCode()).as(String.join(" ", command) + ": " + new String(result.stderr(), StandardCharsets.UTF_8)).isZero();
        return result.stdoutText().strip();
    }

    @Test
    void theGuestRunsDebiansKernelNotTheHosts() {
        String hostKernel = Exec.of("uname", "-r").check().stdout().strip();
        String guestKernel = run("uname", "-r");
        assertThat(guestKernel).isNotEqualTo(hostKernel).matches("6\\.1\\.0-\\d+-amd64");
        assertThat(host.manager().get(guest).configuration().backend().cliName()).isEqualTo(TestHost.QEMU);
    }

    /**
     * No TCP port at all. UDP: user-mode NAT opens a socket on an ephemeral port for each UDP flow the guest itself
     * starts (a DNS query through the NAT's resolver, say) and drops it when the flow expires; any other UDP socket —
     * a fixed port, a forward — fails. Which flows exist depends on what ran before, so the check is on the ports'
     * kind, not on their absence (SECURITY.md names the flows' sockets).
     */
    @Test
    void qemuListensOnNoTcpPortOfTheHostAndTheGuestGoesOutThroughNat() throws Exception {
        InstanceLayout layout = InstanceLayout.of(host.paths(), guest);
        long pid = Long.parseLong(Files.readString(layout.run().resolve("qemu.pid")).trim());
        assertThat(Exec.of("ss", "-lntpH").check().stdout()).doesNotContain("pid=" + pid + ",");
        // readAllLines: Files.readString trusts the size /proc reports and returns the first byte of this file
        String[] range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+");
        int first = Integer.parseInt(range[0]);
        int last = Integer.parseInt(range[1]);
        for (String socket : Exec.of("ss", "-lnupH").check().stdout().lines().filter(l -> l.contains("pid=" + pid + ",")).toList()) {
            String local = socket.trim().split("\\s+")[3];
            int port = Integer.parseInt(local.substring(local.lastIndexOf(':') + 1));
            assertThat(port).as("a UDP socket of QEMU that is no flow of the guest's: " + socket).isBetween(first, last);
        }
        assertThat(run("ip", "-4", "route", "show", "default")).contains("via 172.30.");
    }

    @Test
    void aTrialSlotThatCannotBootGivesWayToTheActiveSlot() throws Exception {
        InstanceManager manager = host.manager();
        InstanceLayout layout = InstanceLayout.of(host.paths(), guest);
        manager.stop(guest);
        // the shared guest's slot B goes back as it was: classes after this one may update it
        Path bootB = layout.bootSlot(Slot.B);
        Path saved = bootB.resolveSibling(bootB.getFileName() + ".it-saved");
        Exec.of("cp", "--sparse=always", bootB.toString(), saved.toString()).check();
        try {
            // slot B as an update would leave it half done: its kernel in place, its root never written
            BootSlotInstaller.install(host.image(), bootB);
            assertThat(Files.size(layout.rootSlot(Slot.B)) == 0 || isAllZeroAtStart(layout.rootSlot(Slot.B))).isTrue();
            new BootControl(Slot.A, Slot.B, 1).write(layout.bootControl());

            manager.start(guest);

            assertThat(run("cat", "/run/eflow-boot").lines().toList()).contains("slot=A", "fallback=yes");
            assertThat(BootControl.read(layout.bootControl())).isEqualTo(new BootControl(Slot.A, null, 0));
            assertThat(Files.readString(layout.consoleLog(), StandardCharsets.ISO_8859_1))
                    .contains("trial slot B failed: clearing the trial and falling back to slot A");
        } finally {
            // the host reads a boot slot only at start (it extracts the kernel): the file can be put back now
            Exec.of("cp", "--sparse=always", saved.toString(), bootB.toString()).check();
            Files.delete(saved);
        }
    }

    private static boolean isAllZeroAtStart(Path slot) throws Exception {
        try (var in = Files.newInputStream(slot)) {
            byte[] head = in.readNBytes(1 << 16);
            for (byte b : head) {
                if (b != 0) {
                    return false;
                }
            }
            return true;
        }
    }
}
