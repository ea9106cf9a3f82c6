package io.eflow.platform;

import io.eflow.contract.files.AtomicFile;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** File-tree chores: delete without following links, write secrets with tight modes. */
public final class FileTrees {
    private FileTrees() {
    }

    /** Deletes a tree; symbolic links are removed, never followed. Returns false when there was nothing to delete. */
    public static boolean deleteRecursively(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    if (exc != null) {
                        throw exc;
                    }
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
            return true;
        } catch (IOException e) {
            throw EflowException.failure("cannot delete " + root + ": " + e.getMessage(), e);
        }
    }

    /** A whole (small) file, or a one-line failure naming it. */
    public static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw EflowException.failure("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes a file with the given mode, created with that mode so it is never readable by others in between. */
    public static void write(Path file, byte[] content, String mode) {
        write(file, content, mode, false);
    }

    /** As {@link #write(Path, byte[], String)}, and on disk (file and folder synced) before it returns. */
    public static void writeDurably(Path file, byte[] content, String mode) {
        write(file, content, mode, true);
    }

    private static void write(Path file, byte[] content, String mode, boolean sync) {
        try {
            Files.createDirectories(file.getParent());
            Set<PosixFilePermission> permissions = PosixFilePermissions.fromString(mode);
            Path temp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp",
                    PosixFilePermissions.asFileAttribute(permissions));
            Files.write(temp, content);
            Files.setPosixFilePermissions(temp, permissions);
            if (sync) {
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            if (sync) {
                AtomicFile.syncDirectory(file.getParent());
            }
        } catch (IOException e) {
            throw EflowException.failure("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
