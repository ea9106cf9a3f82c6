package io.eflow.backend.qemu;

import io.eflow.it.QemuOnly;
import io.eflow.it.VmCheck;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The accelerator probe on a real QEMU. The project's machines have a /dev/kvm that cannot run a guest
 * (platform notes), so the probe must say "no usable KVM", and say it fast; EFLOW_EXPECT_KVM=1 flips the
 * expectation on a host where KVM works.
 */
@QemuOnly
@VmCheck
class KvmProbeIT {
    private static final boolean EXPECT_KVM = "1".equals(System.getenv("EFLOW_EXPECT_KVM"));

    @Test
    void theProbeFirmwareReachesTheExitPortUnderEmulation() {
        assertThat(HostAcceleration.qemuInstalled()).as("qemu-system-x86_64 is installed (scripts/install-host-deps)").isTrue();
        assertThat(KvmProbe.runs(HostAcceleration.QEMU, Accelerator.TCG)).isTrue();
    }

    @Test
    void thisHostHasNoUsableKvmAndTheProbeSaysSoQuickly() {
        assertThat(Files.exists(Path.of("/dev/kvm")) || !EXPECT_KVM).isTrue();
        long started = System.nanoTime();
        Accelerator accelerator = HostAcceleration.probe();
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.println("[probe] accelerator " + accelerator.qemuName() + " decided in " + millis + " ms");
        assertThat(accelerator).isEqualTo(EXPECT_KVM ? Accelerator.KVM : Accelerator.TCG);
        assertThat(millis).isLessThan(3000);
    }

    @Test
    void theDaemonProbesOnceAndKeepsTheAnswer() {
        HostAcceleration acceleration = new HostAcceleration();
        Accelerator first = acceleration.accelerator();
        long started = System.nanoTime();
        assertThat(acceleration.accelerator()).isEqualTo(first);
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(5);
    }
}
