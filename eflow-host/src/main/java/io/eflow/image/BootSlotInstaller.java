package io.eflow.image;

import io.eflow.platform.EflowException;
import io.eflow.platform.Exec;
import io.eflow.platform.PipedCopy;

import java.io.IOException;
import java.io.InputStream;
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

    /** From a folder holding {@link #FILES}, checked by the caller (an image's). */
    private static void installFrom(Path dir, Path bootSlotFile) {
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

    /**
     * Opens a boot slot for parts that arrive as streams (an update bundle's): each goes straight into a temporary file
     * in the mounted slot, so its bytes are read once, not staged and copied again. The slot is mounted from here until
     * {@link Writing#commit} or {@link Writing#close}: open it when the first part arrives, not earlier.
     */
    public static Writing writing(Path bootSlotFile) {
        return new Writing(bootSlotFile, mount(bootSlotFile, false));
    }

    /**
     * A boot slot mounted for writing. Parts go under temporary names, which nothing boots; {@link #commit} forces them
     * and renames them into place in {@link #FILES}' order, then unmounts (which puts the slot on disk). Closing without
     * a commit deletes the temporary files and unmounts: the slot's files are as they were.
     */
    public static final class Writing implements AutoCloseable {
        private final Path slot;
        private final Path mnt;
        private boolean mounted = true;

        private Writing(Path slot, Path mnt) {
            this.slot = slot;
            this.mnt = mnt;
        }

        /** Writes exactly {@code size} bytes of {@code in} as {@code name}'s temporary file. */
        public void write(String name, InputStream in, long size) throws IOException {
            try (FileChannel out = FileChannel.open(temp(name), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                PipedCopy.copy(in, out, 0, size);
            }
        }

        /** Writes the signed manifest beside the parts, then puts all four in place (each on disk before its rename). */
        public void commit(byte[] manifestJson, byte[] manifestSig) {
            try {
                Files.write(temp(GuestImage.MANIFEST), manifestJson);
                Files.write(temp(GuestImage.SIGNATURE), manifestSig);
                for (String name : FILES) {
                    try (FileChannel channel = FileChannel.open(temp(name), StandardOpenOption.WRITE)) {
                        channel.force(true);
                    }
                    Files.move(temp(name), mnt.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                throw EflowException.failure("cannot write boot slot " + slot.getFileName() + ": " + e.getMessage(), e);
            }
            unmount();
        }

        @Override
        public void close() {
            if (!mounted) {
                return;
            }
            try {
                for (String name : FILES) {
                    Files.deleteIfExists(temp(name));
                }
            } catch (IOException ignored) {
                // a leftover temporary file is replaced by the next writer
            } finally {
                unmount();
            }
        }

        private Path temp(String name) {
            return mnt.resolve("." + name + ".tmp");
        }

        private void unmount() {
            mounted = false;
            BootSlotInstaller.unmount(mnt);
        }
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
        Path mnt = mount(slot, readOnly);
        try {
            work.run(mnt);
        } catch (IOException e) {
            throw EflowException.failure("cannot write boot slot " + slot.getFileName() + ": " + e.getMessage(), e);
        } finally {
            unmount(mnt);
        }
    }

    /**
     * Unmounts and removes the mount point. Only an empty folder is removed: after a failed umount the slot's files
     * are still under it, and a recursive delete would take them.
     */
    private static void unmount(Path mnt) {
        Exec.of("umount", mnt.toString()).timeoutSeconds(60).check();
        try {
            Files.deleteIfExists(mnt);
        } catch (IOException ignored) {
            // an empty folder left in the temporary folder
        }
    }

    /** Loop-mounts the slot on a fresh temporary folder; the caller unmounts it and deletes the folder. */
    private static Path mount(Path slot, boolean readOnly) {
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
            return mnt;
        } catch (RuntimeException e) {
            try {
                Files.deleteIfExists(mnt);
            } catch (IOException ignored) {
                // an empty folder left in the temporary folder
            }
            throw e;
        }
    }
}
