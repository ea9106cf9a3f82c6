package io.eflow.backend;

import io.eflow.boot.BootControl;
import io.eflow.boot.BootSectors;
import io.eflow.boot.SlotRecords;
import io.eflow.boot.TrialResult;
import io.eflow.image.GuestImage;
import io.eflow.image.SlotInstaller;
import io.eflow.image.TestImages;
import io.eflow.instance.model.InstanceLayout;
import io.eflow.instance.model.Slot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The host's trial rule (namespace backend) on real boot-control files and a real sealed slot. */
class TrialRuleTest {
    @TempDir
    Path dir;
    private InstanceLayout layout;
    private final List<String> progress = new ArrayList<>();

    @BeforeEach
    void layout() throws Exception {
        layout = new InstanceLayout("edge1", dir.resolve("state"), dir.resolve("run"), dir.resolve("log"));
        Files.createDirectories(layout.disks());
    }

    private void installB() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("tree/etc"));
        Files.writeString(tree.resolve("hostname"), "edge1\n");
        GuestImage image = TestImages.sealed(dir.resolve("tree"), dir.resolve("image"), dir.resolve("keys"), "0.2.0");
        SlotInstaller.install(image, layout.rootSlot(Slot.B));
        SlotRecords.record(layout, Slot.B, Map.of(GuestImage.MANIFEST, Files.readAllBytes(image.manifestFile()),
                GuestImage.SIGNATURE, Files.readAllBytes(image.signatureFile())));
    }

    private TrialResult result() {
        return BootSectors.result(layout.bootControl()).orElseThrow();
    }

    @Test
    void withoutATrialTheActiveSlotBootsAndNothingIsReported() {
        new BootControl(Slot.B, null, 0).write(layout.bootControl());
        assertThat(TrialRule.apply(layout, progress::add)).isEqualTo(new TrialRule.Boot(Slot.B, false, false));
        assertThat(BootControl.read(layout.bootControl())).isEqualTo(new BootControl(Slot.B, null, 0));
        assertThat(BootSectors.result(layout.bootControl())).isEmpty();
    }

    @Test
    void aSoundTrialSlotBootsAndLosesATryFirst() throws Exception {
        installB();
        new BootControl(Slot.A, Slot.B, 2).write(layout.bootControl());
        assertThat(TrialRule.apply(layout, progress::add)).isEqualTo(new TrialRule.Boot(Slot.B, true, false));
        assertThat(BootControl.read(layout.bootControl())).isEqualTo(new BootControl(Slot.A, Slot.B, 1));
    }

    @Test
    void aTrialSlotWithoutARecordIsDropped() {
        new BootControl(Slot.A, Slot.B, 2).write(layout.bootControl());
        assertThat(TrialRule.apply(layout, progress::add)).isEqualTo(new TrialRule.Boot(Slot.A, false, true));
        assertThat(BootControl.read(layout.bootControl())).isEqualTo(new BootControl(Slot.A, null, 0));
        assertThat(result().result()).isEqualTo(TrialResult.Outcome.DROPPED);
        assertThat(result().slot()).isEqualTo(Slot.B);
        assertThat(result().reason()).contains("holds no recorded image");
    }

    @Test
    void aTrialSlotThatDoesNotMatchItsRootHashIsDropped() throws Exception {
        installB();
        try (RandomAccessFile slot = new RandomAccessFile(layout.rootSlot(Slot.B).toFile(), "rw")) {
            slot.seek(1100);
            int value = slot.read();
            slot.seek(1100);
            slot.write(value ^ 1);
        }
        new BootControl(Slot.A, Slot.B, 2).write(layout.bootControl());
        assertThat(TrialRule.apply(layout, progress::add)).isEqualTo(new TrialRule.Boot(Slot.A, false, true));
        assertThat(BootControl.read(layout.bootControl())).isEqualTo(new BootControl(Slot.A, null, 0));
        assertThat(result().reason()).contains("does not match its signed root hash");
    }

    @Test
    void aTrialWithoutTriesLeftIsDroppedAndSaysSo() {
        new BootControl(Slot.A, Slot.B, 0).write(layout.bootControl());
        assertThat(TrialRule.apply(layout, progress::add)).isEqualTo(new TrialRule.Boot(Slot.A, false, false));
        assertThat(BootControl.read(layout.bootControl())).isEqualTo(new BootControl(Slot.A, null, 0));
        assertThat(result().result()).isEqualTo(TrialResult.Outcome.DROPPED);
        assertThat(result().reason()).contains("no tries left");
    }
}
