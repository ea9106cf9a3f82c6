package io.eflow.backend.qemu;

import io.eflow.instance.BackendChoice;
import io.eflow.instance.model.BackendKind;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class AcceleratorTest {

    @Test
    void linuxUsesKvmOnlyWhenItReallyRunsAGuest() {
        assertThat(Accelerator.choose("Linux", Set.of("tcg", "kvm"), () -> true)).isEqualTo(Accelerator.KVM);
        assertThat(Accelerator.choose("Linux", Set.of("tcg", "kvm"), () -> false)).isEqualTo(Accelerator.TCG);
        assertThat(Accelerator.choose("Linux", Set.of("tcg"), () -> true)).isEqualTo(Accelerator.TCG);
    }

    @Test
    void theKvmProbeRunsOnlyWhenQemuListsKvm() {
        AtomicInteger probes = new AtomicInteger();
        Accelerator.choose("Linux", Set.of("tcg"), () -> probes.incrementAndGet() > 0);
        Accelerator.choose("Mac OS X", Set.of("tcg", "hvf"), () -> probes.incrementAndGet() > 0);
        assertThat(probes).hasValue(0);
    }

    @Test
    void macOsUsesHvfAndWindowsWhpxWhenListed() {
        assertThat(Accelerator.choose("Mac OS X", Set.of("tcg", "hvf"), () -> false)).isEqualTo(Accelerator.HVF);
        assertThat(Accelerator.choose("Mac OS X", Set.of("tcg"), () -> true)).isEqualTo(Accelerator.TCG);
        assertThat(Accelerator.choose("Windows 11", Set.of("tcg", "whpx"), () -> false)).isEqualTo(Accelerator.WHPX);
        assertThat(Accelerator.choose("Windows 11", Set.of("tcg", "hvf", "kvm"), () -> true)).isEqualTo(Accelerator.TCG);
        assertThat(Accelerator.choose("FreeBSD", Set.of("tcg", "kvm"), () -> true)).isEqualTo(Accelerator.TCG);
    }

    @Test
    void autoTakesAnAcceleratedVmThenNamespacesOnLinuxThenAnEmulatedVmWithAWarning() {
        assertThat(BackendChoice.resolve(BackendKind.AUTO, true, Accelerator.KVM))
                .isEqualTo(new BackendChoice(BackendKind.QEMU, Accelerator.KVM, null));
        assertThat(BackendChoice.resolve(BackendKind.AUTO, true, Accelerator.TCG))
                .isEqualTo(new BackendChoice(BackendKind.NAMESPACE, null, null));
        assertThat(BackendChoice.resolve(BackendKind.AUTO, false, Accelerator.HVF))
                .isEqualTo(new BackendChoice(BackendKind.QEMU, Accelerator.HVF, null));
        assertThat(BackendChoice.resolve(BackendKind.AUTO, false, Accelerator.TCG))
                .isEqualTo(new BackendChoice(BackendKind.QEMU, Accelerator.TCG, BackendChoice.EMULATED));
    }

    @Test
    void anExplicitQemuOnAHostWithoutAccelerationWarnsThatTheGuestIsEmulated() {
        assertThat(BackendChoice.resolve(BackendKind.QEMU, true, Accelerator.TCG).warning()).contains("emulated");
        assertThat(BackendChoice.resolve(BackendKind.QEMU, true, Accelerator.KVM).warning()).isNull();
        assertThat(BackendChoice.resolve(BackendKind.NAMESPACE, true, null).kind()).isEqualTo(BackendKind.NAMESPACE);
    }

    @Test
    void accelHelpIsParsedIntoNames() {
        assertThat(HostAcceleration.parseAccelHelp("Accelerators supported in QEMU binary:\ntcg\nkvm\n"))
                .containsExactlyInAnyOrder("tcg", "kvm");
    }

    @Test
    void theProbeFirmwareWritesToTheDebugExitPortAtTheResetVector() {
        byte[] rom = KvmProbe.firmware();
        assertThat(rom).hasSize(65536);
        // mov al, 0x31; out 0xf4, al
        assertThat(new byte[] {rom[0xfff0], rom[0xfff1], rom[0xfff2], rom[0xfff3]})
                .containsExactly((byte) 0xb0, (byte) 0x31, (byte) 0xe6, (byte) 0xf4);
        assertThat(KvmProbe.EXIT_CODE).isEqualTo(99);
        assertThat(KvmProbe.argv("q", Accelerator.KVM, Path.of("/p.rom")))
                .contains("-bios", "/p.rom", "isa-debug-exit,iobase=0xf4,iosize=4", "q35", "host", "kvm");
    }
}
