package io.eflow.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where the guest tree is assembled before packing. RAM (tmpfs at /dev/shm) when it has room: extracting
 * the 400 MB base to disk measured 1–8 s here (writeback), to tmpfs 0.5 s, and the tree is thrown away
 * after packing anyway. Otherwise the cache's own build folder. The RAM folder is named after the cache,
 * so builders of different caches never clear each other's trees.
 */
final class Staging {
    static final Path SHM = Path.of("/dev/shm");
    private static final long MARGIN = 256L << 20;

    private Staging() {
    }

    /** The folder for this cache's trees in RAM (whether or not it is used). */
    static Path ramFolder(Path cacheRoot) {
        String id = FileDigests.sha256(cacheRoot.toAbsolutePath().normalize().toString()).substring(0, 12);
        return SHM.resolve("eflow-staging-" + id);
    }

    /** A fresh empty folder for a tree of about {@code treeBytes}, in RAM if it fits, else under {@code fallback}. */
    static Path createTree(Path cacheRoot, long treeBytes, Path fallback) {
        try {
            if (Files.isDirectory(SHM) && Files.isWritable(SHM)
                    && Files.getFileStore(SHM).getUsableSpace() > treeBytes + treeBytes / 2 + MARGIN) {
                Path parent = ramFolder(cacheRoot);
                if (!Files.isDirectory(parent)) {
                    Files.createDirectory(parent, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                }
                return Files.createTempDirectory(parent, "rootfs-");
            }
            return Files.createDirectory(fallback.resolve("rootfs"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a staging folder for the guest tree", e);
        }
    }

    /** Deletes a tree and, if it was in RAM, the cache's RAM folder once empty. */
    static void release(Path tree) {
        Rootfs.deleteTree(tree);
        Path parent = tree.getParent();
        if (parent != null && parent.getParent() != null && parent.getParent().equals(SHM)) {
            try {
                Files.deleteIfExists(parent);
            } catch (IOException ignored) {
                // another tree of this cache is still there (impossible under the build lock) or it is gone
            }
        }
    }

    /** Trees of killed builds would hold RAM until reboot; called under the build lock. */
    static void removeLeftovers(Path cacheRoot) {
        Rootfs.deleteTree(ramFolder(cacheRoot));
    }
}
