package io.eflow.image;

import io.eflow.platform.EflowException;
import io.eflow.platform.Exec;
import io.eflow.platform.Progress;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SlotInstallerTest {
    private static final long BLOCKS = 300;

    @TempDir
    Path tmp;

    private GuestImage image;
    private Path slot;
    private SlotInstaller.SlotLayout layout;

    @BeforeEach
    void install() throws IOException {
        ReleaseKeys keys = ReleaseKeys.loadOrCreate(tmp.resolve("release"));
        image = TestFiles.sealedImage(tmp.resolve("image"), BLOCKS, keys);
        slot = tmp.resolve("rootfs-a.img");
        layout = SlotInstaller.install(image, slot);
    }

    @Test
    void theInstallReportsItsBytesUpToTheEndOfTheHashTree() throws IOException {
        List<long[]> reported = new ArrayList<>();
        SlotInstaller.SlotLayout again = SlotInstaller.install(image, tmp.resolve("rootfs-b.img"), new Progress() {
            @Override
            public void accept(String line) {
            }

            @Override
            public void bytes(String step, long done, long total) {
                assertThat(step).isEqualTo("installing into slot B");
                reported.add(new long[] {done, total});
            }
        }, "installing into slot B");

        long total = again.hashOffset() + Files.size(image.verityTree());
        assertThat(reported).isNotEmpty().allSatisfy(report -> assertThat(report[1]).isEqualTo(total));
        assertThat(reported.get(reported.size() - 1)[0]).isEqualTo(total);
    }

    @Test
    void writesDataThenTreeIntoASparseFourGibSlot() throws IOException {
        assertThat(Files.size(slot)).isEqualTo(4L << 30);
        assertThat(layout.hashOffset()).isEqualTo(BLOCKS * 4096);
        // Sparse: only the image and its tree occupy disk blocks (stat %b counts 512-byte blocks).
        long allocated = Long.parseLong(Exec.of("stat", "-c", "%b", slot.toString()).check().stdout().strip()) * 512;
        assertThat(allocated).isLessThan(4L << 20);

        byte[] data = Files.readAllBytes(image.rootfs());
        byte[] tree = Files.readAllBytes(image.verityTree());
        try (RandomAccessFile raf = new RandomAccessFile(slot.toFile(), "r")) {
            byte[] slotData = new byte[data.length];
            raf.readFully(slotData);
            byte[] slotTree = new byte[tree.length];
            raf.readFully(slotTree);
            assertThat(slotData).isEqualTo(data);
            assertThat(slotTree).isEqualTo(tree);
        }
        SlotInstaller.verifySlot(slot, image.verity());
        SlotInstaller.verifySlot(layout);
    }

    @Test
    void veritysetupAcceptsTheSlotWithTheTreeAfterTheData() {
        HexFormat hex = HexFormat.of();
        Exec.Result ok = TestFiles.veritysetupVerify(slot, slot, layout.hashOffset(), BLOCKS,
                hex.parseHex(image.verity().salt()), hex.parseHex(image.verity().rootHash()));
        assertThat(ok.exitCode()).as(ok.stderr()).isZero();
    }

    @Test
    void detectsAFlippedByteInTheSuperblock() throws IOException {
        TestFiles.flipByte(slot, 1024);
        assertThatThrownBy(() -> SlotInstaller.verifySlot(slot, image.verity()))
                .isInstanceOf(EflowException.class)
                .hasMessage("root slot rootfs-a.img: data block 0 does not match the hash tree (slot corrupt or tampered)");
    }

    @Test
    void detectsAFlippedByteInFileData() throws IOException {
        TestFiles.flipByte(slot, 250 * 4096 + 1234);
        assertThatThrownBy(() -> SlotInstaller.verifySlot(slot, image.verity()))
                .hasMessage("root slot rootfs-a.img: data block 250 does not match the hash tree (slot corrupt or tampered)");
        assertThatThrownBy(() -> SlotInstaller.verifySlot(layout)).isInstanceOf(EflowException.class);
    }

    @Test
    void detectsAFlippedByteInTheHashTree() throws IOException {
        // Top block first: offset 0 of the tree is the top level, 4096 the first leaf block.
        TestFiles.flipByte(slot, layout.hashOffset() + 4096 + 64);
        assertThatThrownBy(() -> SlotInstaller.verifySlot(slot, image.verity()))
                .hasMessage("root slot rootfs-a.img: hash block 0 of level 0 does not match its parent (slot corrupt or tampered)");

        TestFiles.flipByte(slot, layout.hashOffset() + 4096 + 64);
        TestFiles.flipByte(slot, layout.hashOffset() + 8);
        assertThatThrownBy(() -> SlotInstaller.verifySlot(slot, image.verity()))
                .hasMessageContaining("the hash tree's top block does not match the root hash");
    }

    @Test
    void reinstallReplacesTheSlotWhole() throws IOException {
        TestFiles.flipByte(slot, 1024);
        SlotInstaller.install(image, slot);
        SlotInstaller.verifySlot(slot, image.verity());
        try (var files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).doesNotContain(".rootfs-a.img.tmp");
        }
    }

    @Test
    void dmVerityTablePutsDataAndTreeOnOneDevice() {
        assertThat(layout.dmVerityTable("/dev/vda")).isEqualTo("0 2400 verity 1 /dev/vda /dev/vda 4096 4096 300 300 sha256 "
                + image.verity().rootHash() + " " + image.verity().salt());
    }

    @Test
    void refusesASlotTooSmallForItsImage() throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(slot.toFile(), "rw")) {
            raf.setLength(layout.hashOffset() + 4096);
        }
        assertThatThrownBy(() -> SlotInstaller.verifySlot(slot, image.verity()))
                .hasMessage("root slot rootfs-a.img is too small for its image (slot corrupt or truncated)");
    }
}
