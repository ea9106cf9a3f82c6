package io.eflow.edge.hub.auth;

import io.eflow.contract.files.AtomicFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Files that hold keys: folders only the runtime's user may enter, files replaced whole so a crash leaves old or new. */
final class PrivateFiles {
    static final Set<PosixFilePermission> OWNER_ONLY = AtomicFile.OWNER_ONLY;
    static final Set<PosixFilePermission> READABLE = AtomicFile.READABLE;
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

    static void write(Path file, byte[] bytes, Set<PosixFilePermission> mode) throws IOException {
        AtomicFile.write(file, bytes, mode);
    }
}
