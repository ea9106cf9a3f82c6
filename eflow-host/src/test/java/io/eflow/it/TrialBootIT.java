package io.eflow.it;

import io.eflow.boot.BootControl;
import io.eflow.boot.BootSectors;
import io.eflow.boot.SlotRecords;
import io.eflow.boot.TrialRecord;
import io.eflow.boot.TrialResult;
import io.eflow.channel.CommandResult;
import io.eflow.image.BootSlotInstaller;
import io.eflow.image.DerivedImage;
import io.eflow.image.GuestImage;
import io.eflow.image.ReleaseKeys;
import io.eflow.image.SlotInstaller;
import io.eflow.instance.InstanceManager;
import io.eflow.instance.model.InstanceLayout;
import io.eflow.instance.model.PowerState;
import io.eflow.instance.model.Slot;
import io.eflow.platform.EflowException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The trial boot end to end, on an instance of its own per backend: a healthy trial slot commits itself (the guest
 * writes {@code active=B}; held first, as fault injection does, it reports {@code healthy} and waits), a trial whose
 * runtime keeps dying rolls itself back and halts the guest so the next start is on the previous slot, and a trial
 * slot that cannot be trusted is dropped at start ({@code dropped}: by the host on the namespace backend, by the
 * initramfs on qemu). The steps build on each other, in order.
 * <p>
 * No step is a {@link VmCheck}: in the CI tier the VM's trial paths run in UpdateIT (commit after a held trial, a dying
 * runtime) and QemuGuestIT (a trial the initramfs drops); this class's qemu half, which repeats them, is the full tier's.
 */
@BothBackends
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrialBootIT {
    private static final String GUEST = "it-trial";
    private static final String MARKER = "/usr/share/eflow/trial-marker";
    private static GuestImage goodV2;
    private static GuestImage deadRuntimeV3;
    @Parameter
    String backend;
    private TestHost host;
    private InstanceManager manager;
    private InstanceLayout layout;

    @BeforeEach
    void deployOnce(TestHost testHost) {
        host = testHost;
        manager = host.manager();
        if (manager.list().stream().noneMatch(i -> i.name().equals(GUEST))) {
            manager.deploy(TestHost.request(GUEST, backend), line -> System.out.println("[deploy " + backend + "] " + line));
        }
        layout = InstanceLayout.of(host.paths(), GUEST);
    }

    @AfterParameterizedClassInvocation(injectArguments = false)
    static void remove(TestHost testHost) {
        if (testHost.manager().list().stream().anyMatch(i -> i.name().equals(GUEST))) {
            testHost.manager().remove(GUEST);
        }
    }

    /** A guest on TCG needs a minute or two to a healthy runtime; a namespace guest seconds. */
    private int trialTimeout() {
        return backend.equals(TestHost.QEMU) ? 300 : 90;
    }

    private Duration patience() {
        return Duration.ofSeconds(trialTimeout() + 90);
    }

    /** Images derived from the run's image once, signed with the same release key. */
    private synchronized void deriveImages() throws Exception {
        if (goodV2 != null) {
            return;
        }
        ReleaseKeys keys = ReleaseKeys.load(host.paths().releaseKey());
        Path work = Files.createDirectories(host.paths().home().resolve("derived-images"));
        goodV2 = DerivedImage.derive(host.image(), Map.of(MARKER, "0.2.0\n".getBytes(StandardCharsets.US_ASCII)), "0.2.0", keys,
                work.resolve("v2"));
        deadRuntimeV3 = DerivedImage.derive(host.image(), Map.of("/etc/eflow/services/eflow-guest/run",
                "#!/bin/sh\necho 'trial test: this runtime exits at once'\nexit 1\n".getBytes(StandardCharsets.US_ASCII)),
                "0.3.0", keys, work.resolve("v3"));
    }

    /** What an update does before it switches: the image into the slot, then its record, then the trial. */
    private void putOnTrial(GuestImage image, Slot slot, String version) throws Exception {
        putOnTrial(image, slot, version, false);
    }

    private void putOnTrial(GuestImage image, Slot slot, String version, boolean hold) throws Exception {
        SlotRecords.clear(layout, slot);
        SlotInstaller.install(image, layout.rootSlot(slot));
        BootSlotInstaller.install(image, layout.bootSlot(slot));
        SlotRecords.record(layout, slot, Map.of(GuestImage.MANIFEST, Files.readAllBytes(image.manifestFile()),
                GuestImage.SIGNATURE, Files.readAllBytes(image.signatureFile())));
        switchTo(slot, version, hold);
    }

    private void switchTo(Slot slot, String version, boolean hold) {
        BootControl now = BootControl.read(layout.bootControl());
        BootSectors.writeTrial(layout.bootControl(), new TrialRecord(slot, version, trialTimeout(), hold));
        BootSectors.writeResult(layout.bootControl(), null);
        now.withTrial(slot, 2).write(layout.bootControl());
    }

    private Optional<TrialResult> result() {
        return BootSectors.result(layout.bootControl());
    }

    private String run(String... command) {
        CommandResult result = manager.invoke(GUEST, List.of(command), Duration.ofSeconds(60));
        assertThat(result.exitCode()).as(String.join(" ", command) + ": " + new String(result.stderr(), StandardCharsets.UTF_8))
                .isZero();
        return result.stdoutText().strip();
    }

    private PowerState power() {
        return manager.list().stream().filter(i -> i.name().equals(GUEST)).findFirst().orElseThrow().powerState();
    }

    @Test
    @Order(1)
    void aHealthyTrialSlotCommitsItselfAndTheDataDiskCarriesOver() throws Exception {
        deriveImages();
        run("sh", "-c", "echo before-the-update > /var/tmp/trial-data");
        manager.stop(GUEST);
        putOnTrial(goodV2, Slot.B, "0.2.0", true);

        manager.start(GUEST);

        // held (fault injection): healthy, reported, not committed until the host lets go
        await().atMost(patience()).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(result()).hasValueSatisfying(r -> assertThat(r.result()).isEqualTo(TrialResult.Outcome.HEALTHY)));
        assertThat(BootControl.read(layout.bootControl())).isEqualTo(new BootControl(Slot.A, Slot.B, 1));
        BootSectors.writeTrial(layout.bootControl(), BootSectors.trial(layout.bootControl()).orElseThrow().withoutHold());
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(result()).hasValueSatisfying(r -> assertThat(r.result()).isEqualTo(TrialResult.Outcome.COMMITTED)));
        assertThat(result().orElseThrow().slot()).isEqualTo(Slot.B);
        assertThat(result().orElseThrow().reason()).contains("runtime healthy");
        assertThat(BootControl.read(layout.bootControl())).isEqualTo(new BootControl(Slot.B, null, 0));
        assertThat(run("cat", "/run/eflow-boot").lines().toList()).contains("slot=B", "fallback=no");
        assertThat(run("cat", MARKER)).isEqualTo("0.2.0");
        assertThat(run("cat", "/var/tmp/trial-data")).isEqualTo("before-the-update");
    }

    @Test
    @Order(2)
    void aTrialWhoseRuntimeKeepsDyingRollsBackAndHalts() throws Exception {
        deriveImages();
        manager.stop(GUEST);
        putOnTrial(deadRuntimeV3, Slot.A, "0.3.0"); // slot A is the inactive one now

        // A slow (TCG) guest may already be halting by itself when the host finishes its start; any other failed
        // start, and any on the namespace backend (ready in milliseconds, long before the verdict), fails the test.
        EflowException startFailure = null;
        Instant startFailed = null;
        try {
            manager.start(GUEST);
        } catch (EflowException e) {
            if (backend.equals(TestHost.NAMESPACE)) {
                throw e;
            }
            startFailure = e;
            startFailed = Instant.now();
            System.out.println("[trial " + backend + "] start ended: " + e.getMessage());
        }

        await().atMost(patience()).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(result()).hasValueSatisfying(r -> assertThat(r.result()).isEqualTo(TrialResult.Outcome.FAILED)));
        TrialResult failed = result().orElseThrow();
        assertThat(failed.slot()).isEqualTo(Slot.A);
        assertThat(failed.reason()).contains("runtime");
        if (startFailure != null) {
            // the guest's verdict (whole seconds) came before the start failed: the halt ended the start, nothing else
            assertThat(failed.at()).as("start failed with: %s", startFailure.getMessage())
                    .isBeforeOrEqualTo(startFailed.plusSeconds(1));
        }
        assertThat(BootControl.read(layout.bootControl())).isEqualTo(new BootControl(Slot.B, null, 0));
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(power()).isEqualTo(PowerState.STOPPED));

        manager.start(GUEST);

        // the guest's own account of both trials, for whoever reads the run's output
        System.out.println("[trial " + backend + "] " + failed.format() + "\n"
                + run("sudo", "cat", "/logs/eflow-health/current"));
        assertThat(failed.reason()).as("failed fast, not at the timeout").contains("the runtime kept dying");
        assertThat(run("cat", "/run/eflow-boot").lines().toList()).contains("slot=B");
        assertThat(run("cat", MARKER)).isEqualTo("0.2.0");
        assertThat(BootControl.read(layout.bootControl())).isEqualTo(new BootControl(Slot.B, null, 0));
        assertThat(result()).hasValueSatisfying(r -> assertThat(r.result()).isEqualTo(TrialResult.Outcome.FAILED));
    }

    @Test
    @Order(3)
    void aTrialSlotThatCannotBeTrustedIsDroppedAtStart() throws Exception {
        manager.stop(GUEST);
        if (backend.equals(TestHost.NAMESPACE)) {
            // the host boots nothing it has no signed record of (on qemu only a missing kernel or root hash tells)
            SlotRecords.clear(layout, Slot.A);
            switchTo(Slot.A, "0.3.0", false);
            manager.start(GUEST);
            assertDropped(Slot.A, "holds no recorded image");
            manager.stop(GUEST);
        }
        putOnTrial(deadRuntimeV3, Slot.A, "0.3.0");
        try (RandomAccessFile slot = new RandomAccessFile(layout.rootSlot(Slot.A).toFile(), "rw")) {
            slot.seek(1024); // the erofs superblock: no hash matches, no kernel mounts it
            slot.write(new byte[1024]);
        }

        manager.start(GUEST);

        assertDropped(Slot.A, backend.equals(TestHost.NAMESPACE) ? "does not match its signed root hash" : "cannot mount slot A");
        if (backend.equals(TestHost.QEMU)) {
            assertThat(run("cat", "/run/eflow-boot").lines().toList()).contains("fallback=yes");
        }
    }

    private void assertDropped(Slot slot, String why) {
        assertThat(BootControl.read(layout.bootControl())).isEqualTo(new BootControl(Slot.B, null, 0));
        TrialResult dropped = result().orElseThrow();
        assertThat(dropped.result()).isEqualTo(TrialResult.Outcome.DROPPED);
        assertThat(dropped.slot()).isEqualTo(slot);
        assertThat(dropped.reason()).contains(why);
        assertThat(run("cat", "/run/eflow-boot").lines().toList()).contains("slot=B");
        assertThat(run("cat", MARKER)).isEqualTo("0.2.0");
    }
}
