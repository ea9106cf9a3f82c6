package io.eflow.image;

import io.eflow.platform.EflowException;
import io.eflow.platform.Exec;
import io.eflow.platform.FileTrees;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Writes an image's boot parts into a boot slot (an ext4 image file, the seeds' boot partition A or B) and copies
 * them back out for QEMU's {@code -kernel}/{@code -initrd}. The slot holds {@code vmlinux}, {@code initrd.img}
 * and the signed manifest, so a slot can be matched to the root slot written from the same image.
 */
public final class BootSlotInstaller {
    public static final List<String> FILES = List.of(GuestImage.VMLINUX, GuestImage.INITRD, GuestImage.MANIFEST, GuestImage.SIGNATURE);

    private BootSlotInstaller() {
    }

    /** Loop-mounts the slot and replaces its files, each written under a temporary name and renamed. */
    public static void install(GuestImage image, Path bootSlotFile) {
        if (!image.hasBootParts()) {
            throw new EflowException("image " + image.version() + " has no kernel and initramfs (built without boot parts)");
        }
        installFrom(image.dir(), bootSlotFile);
    }

    /**
     * As {@link #install(GuestImage, Path)}, from a folder holding {@link #FILES} ({@code vmlinux}, {@code initrd.img},
     * {@code manifest.json}, {@code manifest.sig}) that the caller has already checked (an update bundle's staging).
     */
    public static void installFrom(Path dir, Path bootSlotFile) {
        withMount(bootSlotFile, false, mnt -> {
            for (String name : FILES) {
                Path temp = mnt.resolve("." + name + ".tmp");
                Files.copy(dir.resolve(name), temp, StandardCopyOption.REPLACE_EXISTING);
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
                Files.move(temp, mnt.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        });
    }

    /** Copies {@code vmlinux} and {@code initrd.img} out of a slot into {@code targetDir} (read-only mount). */
    public static void extract(Path bootSlotFile, Path targetDir) {
        try {
            Files.createDirectories(targetDir);
        } catch (IOException e) {
            throw EflowException.failure("cannot create " + targetDir + ": " + e.getMessage(), e);
        }
        withMount(bootSlotFile, true, mnt -> {
            for (String name : List.of(GuestImage.VMLINUX, GuestImage.INITRD)) {
                Path source = mnt.resolve(name);
                if (!Files.isRegularFile(source)) {
                    throw new EflowException("boot slot " + bootSlotFile.getFileName() + " has no " + name
                            + " (no image installed in it)");
                }
                Files.copy(source, targetDir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        });
    }

    private interface MountedWork {
        void run(Path mountPoint) throws IOException;
    }

    private static void withMount(Path slot, boolean readOnly, MountedWork work) {
        if (!Files.isRegularFile(slot)) {
            throw EflowException.notFound("boot slot " + slot + " does not exist");
        }
        Path mnt;
        try {
            mnt = Files.createTempDirectory("eflow-boot-slot-");
        } catch (IOException e) {
            throw EflowException.failure("cannot create a mount point: " + e.getMessage(), e);
        }
        try {
            // noload on read-only: a read never replays (writes) a journal.
            String options = readOnly ? "loop,ro,noload,nodev,nosuid,noexec" : "loop,rw,nodev,nosuid,noexec";
            Exec.of("mount", "-t", "ext4", "-o", options, slot.toString(), mnt.toString()).timeoutSeconds(60).check();
            try {
                work.run(mnt);
            } catch (IOException e) {
                throw EflowException.failure("cannot write boot slot " + slot.getFileName() + ": " + e.getMessage(), e);
            } finally {
                Exec.of("umount", mnt.toString()).timeoutSeconds(60).check();
            }
        } finally {
            FileTrees.deleteRecursively(mnt);
        }
    }
}
