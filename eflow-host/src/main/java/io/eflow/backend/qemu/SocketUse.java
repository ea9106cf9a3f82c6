package io.eflow.backend.qemu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a client is attached to a listening UNIX socket: the socket accept() returned carries the listener's
 * path in /proc/net/unix, in state connected (03), for as long as the connection lasts.
 */
final class SocketUse {
    private static final String CONNECTED = "03";

    private SocketUse() {
    }

    static boolean inUse(Path socket) {
        try {
            return inUse(Files.readString(Path.of("/proc/net/unix")), socket);
        } catch (IOException e) {
            return false;
        }
    }

    /** Lines: Num RefCount Protocol Flags Type St Inode [Path]. */
    static boolean inUse(String procNetUnix, Path socket) {
        String path = socket.toString();
        return procNetUnix.lines().skip(1).map(line -> line.trim().split("\\s+"))
                .anyMatch(f -> f.length >= 8 && f[7].equals(path) && f[5].equals(CONNECTED));
    }
}
