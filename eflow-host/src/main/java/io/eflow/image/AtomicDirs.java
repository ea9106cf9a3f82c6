package io.eflow.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Cache entries are folders that appear complete or not at all: they are filled under a dot-name
 * ({@code .tmp-…}) and renamed into place, so a killed build never leaves something that looks finished.
 */
final class AtomicDirs {
    static final String TEMP_PREFIX = ".tmp-";
    static final String TRASH_PREFIX = ".old-";

    private AtomicDirs() {
    }

    static Path createTemp(Path parent, String name) {
        try {
            Files.createDirectories(parent);
            Path temp = Files.createTempDirectory(parent, TEMP_PREFIX + name + "-");
            // Published as is: readable like any cache folder, not the 0700 of a temp folder.
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
            return temp;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a build folder in " + parent, e);
        }
    }

    /** Renames {@code temp} to {@code target}; an existing target (a forced rebuild) is swapped out first. */
    static void publish(Path temp, Path target) {
        try {
            // Contents reach the disk before the rename does: after a power cut the entry is whole or absent.
            syncFiles(temp);
            if (Files.exists(target)) {
                Path trash = Files.createTempDirectory(target.getParent(), TRASH_PREFIX + target.getFileName() + "-");
                Files.move(target, trash.resolve("entry"), StandardCopyOption.ATOMIC_MOVE);
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                Rootfs.deleteTree(trash);
            } else {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            }
            sync(target.getParent());
        } catch (AtomicMoveNotSupportedException e) {
            throw new UncheckedIOException("the cache folder " + target.getParent() + " does not support atomic renames", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot publish " + target, e);
        }
    }

    private static void syncFiles(Path dir) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                    sync(entry);
                }
            }
        }
        sync(dir);
    }

    private static void sync(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Leftovers of builds that were killed; only called while holding the build lock. */
    static int removeLeftovers(Path parent) {
        if (!Files.isDirectory(parent)) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent, ".{tmp,old}-*")) {
            for (Path entry : entries) {
                Rootfs.deleteTree(entry);
                removed++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return removed;
    }
}
