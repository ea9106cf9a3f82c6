package io.eflow.boot;

import io.eflow.instance.model.InstanceLayout;
import io.eflow.instance.model.LogSize;
import io.eflow.instance.model.Slot;
import io.eflow.platform.EflowException;
import io.eflow.platform.Exec;
import io.eflow.platform.FileTrees;
import io.eflow.platform.ParallelSteps;
import io.eflow.platform.Pause;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The guest's disks as sparse image files, following the seeds' partition table: boot and root slots A and B,
 * log (/logs) and data (/var). The partition sizes are logical: a sparse file takes only what is written.
 */
public final class GuestDisks {
    public static final long BOOT_SLOT_BYTES = 192L << 20;
    public static final long ROOT_SLOT_BYTES = 4L << 30;
    /** Layers of the /etc, /home and /root overlays, kept on the data disk so they survive updates. */
    public static final List<String> OVERLAID = List.of("etc", "home", "root");
    private static final Duration DETACH_WAIT = Duration.ofSeconds(3);

    private GuestDisks() {
    }

    /** A file to place in the guest's /etc overlay at deploy, with its mode. */
    public record SeedFile(byte[] content, String mode) {
    }

    public static void create(InstanceLayout layout, int dataSizeGb, LogSize logSize) {
        try {
            Files.createDirectories(layout.disks());
        } catch (IOException e) {
            throw EflowException.failure("cannot create " + layout.disks() + ": " + e.getMessage(), e);
        }
        for (Slot slot : Slot.values()) {
            sparse(layout.rootSlot(slot), ROOT_SLOT_BYTES);
        }
        BootControl.initial().write(layout.bootControl());
        // four mkfs processes, each mostly waiting for its own writes: side by side they take about as long as one
        try {
            ParallelSteps.run(List.of(
                    () -> ext4(layout.bootSlot(Slot.A), BOOT_SLOT_BYTES, "boot-" + Slot.A.fileName()),
                    () -> ext4(layout.bootSlot(Slot.B), BOOT_SLOT_BYTES, "boot-" + Slot.B.fileName()),
                    () -> ext4(layout.logDisk(), (long) logSize.gigabytes() << 30, "log"),
                    () -> ext4(layout.dataDisk(), (long) dataSizeGb << 30, "data")));
        } catch (IOException e) {
            throw EflowException.failure("cannot create the guest's disks: " + e.getMessage(), e);
        }
    }

    static void sparse(Path file, long bytes) {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(bytes);
        } catch (IOException e) {
            throw EflowException.failure("cannot create disk image " + file + ": " + e.getMessage(), e);
        }
    }

    private static void ext4(Path file, long bytes, String label) {
        sparse(file, bytes);
        Exec.of("mkfs.ext4", "-q", "-F", "-L", label, "-E", "lazy_itable_init=1,lazy_journal_init=1", file.toString()).check();
    }

    /** Creates the overlay layer folders on a mounted data disk; harmless when they exist. */
    public static void ensureOverlayLayers(Path varRoot) {
        try {
            for (String dir : OVERLAID) {
                Files.createDirectories(varRoot.resolve(".eflow/overlays").resolve(dir).resolve("upper"));
                Files.createDirectories(varRoot.resolve(".eflow/overlays").resolve(dir).resolve("work"));
            }
        } catch (IOException e) {
            throw EflowException.failure("cannot prepare the overlays on the data disk: " + e.getMessage(), e);
        }
    }

    /**
     * A loop device still on the image means something has it mounted. The one a just-finished mount used goes away
     * by itself a moment after its unmount (autoclear), so that is waited for.
     */
    private static void requireDetached(Path dataDisk) {
        long deadline = System.nanoTime() + DETACH_WAIT.toNanos();
        while (true) {
            Exec.Result attached = Exec.of("losetup", "--associated", dataDisk.toString()).run();
            if (attached.ok() && attached.stdout().isBlank()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new EflowException(409, "the data disk " + dataDisk + " is still in use ("
                        + (attached.ok() ? attached.stdout().strip() : attached.describeFailure())
                        + "): start and stop the instance, then try again");
            }
            Pause.millis(50);
        }
    }

    /** The upper layer of the guest's /etc overlay on a mounted data disk: a file here is the guest's /etc file. */
    public static Path etcUpper(Path varRoot) {
        return varRoot.resolve(".eflow/overlays/etc/upper");
    }

    /**
     * Mounts the data disk at {@code mountPoint}, creates the overlay layers and writes {@code etcFiles}
     * (paths relative to /etc) into the /etc overlay's upper layer, then unmounts.
     */
    public static void seedEtc(Path dataDisk, Path mountPoint, Map<String, SeedFile> etcFiles) {
        try {
            Files.createDirectories(mountPoint);
        } catch (IOException e) {
            throw EflowException.failure("cannot create " + mountPoint + ": " + e.getMessage(), e);
        }
        Exec.of("mount", "-t", "ext4", "-o", "loop,nodev", dataDisk.toString(), mountPoint.toString()).check();
        try {
            ensureOverlayLayers(mountPoint);
            Path upper = etcUpper(mountPoint);
            etcFiles.forEach((relative, file) -> FileTrees.write(upper.resolve(relative), file.content(), file.mode()));
        } finally {
            Exec.of("umount", mountPoint.toString()).check();
        }
    }

    /**
     * Unmounts {@code mountPoint} if an {@link #editEtc} cut short (a daemon killed meanwhile) left the data disk mounted
     * there: it is ours, and a guest started on a disk the host still has mounted would corrupt it.
     */
    public static void releaseEditMount(Path mountPoint) {
        if (Exec.of("mountpoint", "-q", mountPoint.toString()).run().ok()) {
            Exec.of("umount", mountPoint.toString()).check();
        }
    }

    /**
     * Changes files of a stopped guest's /etc: as {@link #seedEtc}, each file replaced atomically, and the whole on the
     * image file's disk before this returns (a later step may rely on the guest having them). A data disk still attached
     * to a loop device (a guest that did not stop cleanly) is refused: mounting it twice would corrupt it.
     */
    public static void editEtc(Path dataDisk, Path mountPoint, Map<String, SeedFile> etcFiles) {
        releaseEditMount(mountPoint);
        requireDetached(dataDisk);
        seedEtc(dataDisk, mountPoint, etcFiles);
        FileTrees.deleteRecursively(mountPoint);
        try (FileChannel image = FileChannel.open(dataDisk, StandardOpenOption.WRITE)) {
            image.force(true);
        } catch (IOException e) {
            throw EflowException.failure("cannot sync " + dataDisk + ": " + e.getMessage(), e);
        }
    }
}
