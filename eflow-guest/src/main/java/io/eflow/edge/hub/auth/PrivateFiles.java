package io.eflow.edge.hub.auth;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Files that hold keys: folders only the runtime's user may enter, files replaced whole so a crash leaves old or new. */
final class PrivateFiles {
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> READABLE = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> OWNER_ONLY_FOLDER = PosixFilePermissions.fromString("rwx------");

    private PrivateFiles() {
    }

    /** Creates {@code folder} 0700, or narrows it to 0700 when it exists: the hub owns it and keeps keys in it. */
    static void ownFolder(Path folder) throws IOException {
        createFolder(folder);
        Files.setPosixFilePermissions(folder, OWNER_ONLY_FOLDER);
    }

    /** Creates {@code folder} 0700 when missing, leaving an existing one (the caller's) as it is. */
    static void createFolder(Path folder) throws IOException {
        Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FOLDER));
    }

    /** Where {@link #write} puts {@code file}'s next content before renaming it over the file. */
    static Path temporaryOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".tmp");
    }

    /**
     * Replaces {@code file} with {@code bytes}: a temporary file made with {@code mode} from the start (a key is never
     * readable by others, not even for a moment), synced, renamed over the file, and the folder synced.
     */
    static void write(Path file, byte[] bytes, Set<PosixFilePermission> mode) throws IOException {
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
