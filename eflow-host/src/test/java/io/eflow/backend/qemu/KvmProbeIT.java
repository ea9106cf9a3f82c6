package io.eflow.backend.qemu;

import io.eflow.it.QemuOnly;
import io.eflow.it.VmCheck;
import io.eflow.platform.FileTrees;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The accelerator probe on a real QEMU, checked against an account of this host made another way: QEMU's own
 * firmware (SeaBIOS), started on the machine type and CPU model the backend would use, runs to the end of its boot
 * ("No bootable device" on its debug console) or not. So the test passes on a host where KVM works, on one whose
 * /dev/kvm cannot run a guest (the project's machines: the platform notes) and on one without KVM. How long the
 * probe takes is bench/host-probes.sh's figure.
 */
@QemuOnly
@VmCheck
class KvmProbeIT {

    @Test
    void theProbeFirmwareReachesTheExitPortUnderEmulation() {
        assertThat(HostAcceleration.qemuInstalled()).as("qemu-system-x86_64 is installed (scripts/install-host-deps)").isTrue();
        assertThat(KvmProbe.runs(HostAcceleration.QEMU, Accelerator.TCG)).isTrue();
    }

    @Test
    void theProbeSaysWhatThisHostReallyOffers() throws Exception {
        assertThat(firmwareBoots(Accelerator.TCG)).as("the reference boot works where nothing can stop it: emulation").isTrue();
        boolean kvmRuns = Files.isWritable(Path.of("/dev/kvm")) && HostAcceleration.listed().contains("kvm")
                && firmwareBoots(Accelerator.KVM);
        System.out.println("[probe] SeaBIOS " + (kvmRuns ? "boots" : "does not boot") + " under KVM on this host");
        assertThat(HostAcceleration.probe()).isEqualTo(kvmRuns ? Accelerator.KVM : Accelerator.TCG);
    }

    /** SeaBIOS with {@code accelerator}, as QemuCommand would set up the machine and CPU, to its last boot line. */
    private static boolean firmwareBoots(Accelerator accelerator) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("eflow-kvm-reference");
        Path console = dir.resolve("debugcon.log");
        Process qemu = new ProcessBuilder(List.of(HostAcceleration.QEMU, "-nodefaults", "-no-user-config", "-display", "none",
                "-machine", QemuCommand.MACHINE, "-accel", accelerator.qemuName(), "-cpu", QemuCommand.cpuModel(accelerator),
                "-m", "16", "-debugcon", "file:" + console, "-global", "isa-debugcon.iobase=0x402"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("qemu.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                if (Files.exists(console) && Files.readString(console, StandardCharsets.ISO_8859_1)
                        .contains("No bootable device")) {
                    return true;
                }
                if (!qemu.isAlive()) {
                    return false; // KVM refused the vCPU, or QEMU stopped on an emulation failure
                }
                Thread.sleep(50);
            }
            return false;
        } finally {
            qemu.destroyForcibly();
            qemu.waitFor(10, TimeUnit.SECONDS);
            FileTrees.deleteRecursively(dir);
        }
    }
}
