package io.eflow.daemon;

import io.eflow.platform.EflowException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The daemon socket's folder. Its 0700 root-only mode is what keeps everyone else off the socket
 * in the instant between bind() and the socket's own chmod, so an existing folder is checked, not trusted.
 */
final class RuntimeDirectory {
    /** sun_path is 108 bytes including the terminating NUL. */
    private static final int MAX_SOCKET_PATH_BYTES = 107;

    private RuntimeDirectory() {
    }

    static void prepare(Path dir, Path socket) {
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
            throw new EflowException("the daemon socket path " + socket + " is longer than " + MAX_SOCKET_PATH_BYTES
                    + " bytes, the limit of UNIX sockets: choose a shorter EFLOW_HOME");
        }
        try {
            Files.createDirectories(dir);
            int owner = (Integer) Files.getAttribute(dir, "unix:uid");
            if (owner != 0) {
                throw EflowException.conflict(dir + " is owned by uid " + owner + ", not root: remove it and start eflowd again");
            }
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw EflowException.failure("cannot prepare " + dir + ": " + e.getMessage(), e);
        }
    }

    static void restrictSocket(Path socket) {
        try {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw EflowException.failure("cannot restrict " + socket + " to root: " + e.getMessage(), e);
        }
    }
}
