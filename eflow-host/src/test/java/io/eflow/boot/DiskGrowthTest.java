package io.eflow.boot;

import io.eflow.platform.EflowException;
import io.eflow.platform.Exec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Growing a guest's ext4 disk image with e2fsprogs, its contents read back with debugfs (no mount, no root). */
class DiskGrowthTest {
    private static final long GB = 1L << 30;

    @TempDir
    Path tmp;

    @Test
    void theFileSystemGrowsAndAFileWrittenBeforeIsIntact() throws Exception {
        Path image = ext4(2 * GB);
        Path content = tmp.resolve("content");
        byte[] bytes = new byte[3 << 20];
        new Random(7).nextBytes(bytes);
        Files.write(content, bytes);
        Exec.of("debugfs", "-w", "-R", "write " + content + " kept", image.toString()).check();
        assertThat(DiskGrowth.fileSystemBytes(image)).isEqualTo(2 * GB);

        List<String> progress = new ArrayList<>();
        DiskGrowth.growTo(image, 4 * GB, "the data disk (/var)", progress::add);

        assertThat(DiskGrowth.fileSystemBytes(image)).isEqualTo(4 * GB);
        assertThat(Files.size(image)).isEqualTo(4 * GB);
        assertThat(progress).containsExactly("growing the data disk (/var) from 2 GB to 4 GB");
        Path back = tmp.resolve("back");
        Exec.of("debugfs", "-R", "dump kept " + back, image.toString()).check();
        assertThat(Files.readAllBytes(back)).isEqualTo(bytes);
        assertThat(Exec.of("e2fsck", "-f", "-n", image.toString()).run().exitCode()).as("clean after growing").isZero();
    }

    @Test
    void nothingHappensWhenTheFileSystemIsAsLargeOrLarger() throws Exception {
        Path image = ext4(2 * GB);
        FileTime before = Files.getLastModifiedTime(image);
        Thread.sleep(20);
        List<String> progress = new ArrayList<>();
        DiskGrowth.growTo(image, 2 * GB, "x", progress::add);
        DiskGrowth.growTo(image, GB, "x", progress::add);
        assertThat(progress).isEmpty();
        assertThat(Files.size(image)).isEqualTo(2 * GB);
        assertThat(Files.getLastModifiedTime(image)).as("neither checked nor resized").isEqualTo(before);
    }

    @Test
    void aGrowCutOffAfterTheFileWasLengthenedIsFinishedByTheNextOne() throws Exception {
        Path image = ext4(2 * GB);
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(4 * GB); // as if the daemon died before resize2fs
        }
        assertThat(DiskGrowth.fileSystemBytes(image)).isEqualTo(2 * GB);
        DiskGrowth.growTo(image, 4 * GB, "x", line -> { });
        assertThat(DiskGrowth.fileSystemBytes(image)).isEqualTo(4 * GB);
    }

    @Test
    void anImageWithoutExt4IsRefusedInOneLineAndLeftAlone() throws Exception {
        Path image = tmp.resolve("not-ext4.img");
        Files.write(image, new byte[8192]);
        assertThatThrownBy(() -> DiskGrowth.growTo(image, 4 * GB, "x", line -> { }))
                .isInstanceOf(EflowException.class)
                .hasMessage("the disk image " + image + " holds no ext4 file system");
        assertThat(Files.size(image)).isEqualTo(8192);
    }

    private Path ext4(long bytes) throws Exception {
        Path image = tmp.resolve("data.img");
        GuestDisks.sparse(image, bytes);
        Exec.of("mkfs.ext4", "-q", "-F", "-L", "data", image.toString()).check();
        return image;
    }
}
