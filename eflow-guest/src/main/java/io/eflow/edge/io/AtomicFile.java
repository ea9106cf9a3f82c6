package io.eflow.edge.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

/** Files replaced whole, so a crash leaves the old content or the new, never a mix. */
public final class AtomicFile {
    public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> READABLE = PosixFilePermissions.fromString("rw-r--r--");

    private AtomicFile() {
    }

    /** Where {@link #write} puts {@code file}'s next content before renaming it over the file. */
    public static Path temporaryOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".tmp");
    }

    /**
     * Replaces {@code file} with {@code bytes}: a temporary file made with {@code mode} from the start (a key is never
     * readable by others, not even for a moment), synced, renamed over the file, and the folder synced so the rename
     * survives a power cut.
     */
    public static void write(Path file, byte[] bytes, Set<PosixFilePermission> mode) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path temporary = temporaryOf(file);
        // a leftover from a crash may have any mode: made afresh, the new one has ours
        Files.deleteIfExists(temporary);
        try (FileChannel out = FileChannel.open(temporary, Set.of(CREATE_NEW, WRITE), PosixFilePermissions.asFileAttribute(mode))) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        }
        // the umask may have taken bits off a readable file's mode
        Files.setPosixFilePermissions(temporary, mode);
        Files.move(temporary, file, ATOMIC_MOVE, REPLACE_EXISTING);
        try (FileChannel folder = FileChannel.open(file.toAbsolutePath().getParent(), READ)) {
            folder.force(true);
        }
    }
}
