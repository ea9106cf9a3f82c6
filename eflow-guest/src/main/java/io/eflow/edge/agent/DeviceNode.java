package io.eflow.edge.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A device node's kind and numbers, which crun needs to create it in the container and to allow it in the device
 * cgroup.
 *
 * @param type 'c' (character) or 'b' (block)
 */
public record DeviceNode(char type, long major, long minor) {
    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;

    /**
     * Reads the node with stat(2), through the JDK's "unix" attribute view (Linux, macOS).
     *
     * @throws IllegalArgumentException when the path is not a device node
     * @throws UncheckedIOException     when it cannot be read (missing, no permission)
     */
    public static DeviceNode stat(Path path) {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode");
            long rdev = (Long) Files.getAttribute(path, "unix:rdev");
            char type = switch (mode & S_IFMT) {
                case S_IFCHR -> 'c';
                case S_IFBLK -> 'b';
                default -> throw new IllegalArgumentException(path + " is not a character or block device");
            };
            return new DeviceNode(type, major(rdev), minor(rdev));
        } catch (IOException e) {
            throw new UncheckedIOException(path + " cannot be read: " + e.getMessage(), e);
        }
    }

    // glibc's gnu_dev_major/gnu_dev_minor: the 64-bit dev_t splits both numbers into a low and a high part
    static long major(long rdev) {
        return ((rdev >>> 8) & 0xfffL) | ((rdev >>> 32) & 0xfffff000L);
    }

    static long minor(long rdev) {
        return (rdev & 0xffL) | ((rdev >>> 12) & 0xffffff00L);
    }
}
