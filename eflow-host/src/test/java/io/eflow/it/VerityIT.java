package io.eflow.it;

import io.eflow.channel.CommandResult;
import io.eflow.image.ImageManifest;
import io.eflow.instance.model.Feature;
import io.eflow.instance.model.InstanceLayout;
import io.eflow.instance.model.PowerState;
import io.eflow.instance.model.Slot;
import io.eflow.platform.EflowException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dm-verity feature: with it on, one flipped byte in the root slot's file data, its file-system superblock or its
 * hash tree stops the guest from starting, with a clear message, on both backends (the host checks the whole slot
 * first); on qemu the guest's kernel also checks every block it reads while it runs. With it off, the same tampered
 * slot boots and the change goes unnoticed (as in the seeds, where verity is off by default).
 */
@BothBackends
class VerityIT {
    private static final String GUEST = "it-verity";
    @Parameter
    String backend;
    private TestHost host;
    private InstanceLayout layout;
    private ImageManifest.Verity verity;

    @BeforeEach
    void deployOnce(TestHost testHost) throws Exception {
        host = testHost;
        if (host.manager().list().stream().noneMatch(i -> i.name().equals(GUEST))) {
            host.manager().deploy(TestHost.request(GUEST, backend), line -> { });
            host.manager().stop(GUEST); // each test starts it the way it needs
        }
        layout = InstanceLayout.of(host.paths(), GUEST);
        verity = ImageManifest.parse(Files.readAllBytes(layout.slotManifest(Slot.A))).verity();
    }

    @AfterEach
    void leaveStopped() {
        host.manager().stop(GUEST);
    }

    @AfterParameterizedClassInvocation(injectArguments = false)
    static void remove(TestHost testHost) {
        testHost.manager().remove(GUEST);
    }

    private void flip(long offset) throws Exception {
        try (RandomAccessFile slot = new RandomAccessFile(layout.rootSlot(Slot.A).toFile(), "rw")) {
            slot.seek(offset);
            int value = slot.read();
            slot.seek(offset);
            slot.write(value ^ 0x01);
        }
    }

    @Test
    void aFlippedByteAnywhereStopsTheStartWhenVerityIsOn() throws Exception {
        assertThat(host.manager().setFeature(GUEST, Feature.DM_VERITY, true).enabled()).isTrue();
        assertThat(host.manager().feature(GUEST, Feature.DM_VERITY).enabled()).isTrue();
        long dataBytes = verity.dataBlocks() * 4096;
        Map<String, Long> places = Map.of(
                "file data", dataBytes / 2 + 123,
                "erofs superblock", 1024L + 8,
                "hash tree", verity.hashOffset() + 77);
        for (var place : places.entrySet()) {
            flip(place.getValue());
            try {
                assertThatThrownBy(() -> host.manager().start(GUEST))
                        .as(place.getKey())
                        .isInstanceOf(EflowException.class)
                        .hasMessageContaining("dm-verity: root slot A does not match its signed root hash");
                assertThat(host.manager().get(GUEST).powerState()).isEqualTo(PowerState.STOPPED);
            } finally {
                flip(place.getValue());
            }
        }
        host.manager().start(GUEST); // the untouched slot passes
        assertThat(host.manager().invoke(GUEST, List.of("true"), Duration.ofSeconds(30)).exitCode()).isZero();
    }

    @Test
    @VmCheck
    void onQemuTheGuestKernelChecksEveryBlockItReads() throws Exception {
        assumeTrue(backend.equals(TestHost.QEMU), "no device-mapper on the namespace backend: the host's check covers it");
        host.manager().setFeature(GUEST, Feature.DM_VERITY, true);
        host.manager().start(GUEST);
        assertThat(shell("cat /run/eflow-boot").stdoutText()).contains("verity=1");
        long block = verity.dataBlocks() / 2;
        // O_DIRECT: past the guest's page cache, to the device, through dm-verity
        String read = "sudo dd if=/dev/mapper/root-A of=/dev/null bs=4096 count=1 iflag=direct skip=" + block;
        assertThat(shell(read).exitCode()).isZero();
        flip(block * 4096 + 123); // the host's copy of the slot, under the running guest
        try {
            CommandResult tampered = shell(read);
            assertThat(tampered.exitCode()).isNotZero();
            assertThat(tampered.stderrText()).contains("Input/output error");
            assertThat(shell("sudo dmesg").stdoutText()).containsPattern("verity: .*data block " + block + " is corrupted");
        } finally {
            flip(block * 4096 + 123);
        }
        assertThat(shell(read).exitCode()).isZero();
    }

    private CommandResult shell(String script) {
        return host.manager().invoke(GUEST, List.of("sh", "-c", script), Duration.ofSeconds(60));
    }

    @Test
    void withVerityOffTheSameTamperingGoesUnnoticed() throws Exception {
        host.manager().setFeature(GUEST, Feature.DM_VERITY, false);
        long offset = verity.dataBlocks() * 4096 / 2 + 123;
        flip(offset);
        try {
            host.manager().start(GUEST);
            assertThat(host.manager().invoke(GUEST, List.of("echo", "booted"), Duration.ofSeconds(30)).stdoutText()).contains("booted");
            host.manager().stop(GUEST);
        } finally {
            flip(offset);
        }
    }

    @Test
    void unknownFeaturesAreRefused() {
        assertThatThrownBy(() -> host.manager().setFeature(GUEST, "turbo", true)).hasMessageContaining("unknown feature 'turbo'");
    }
}
