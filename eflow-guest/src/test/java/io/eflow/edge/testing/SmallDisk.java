package io.eflow.edge.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real small partition, a tmpfs of a given size mounted for a test (tests run as root, as CI does), so writes fail
 * with the kernel's own {@code ENOSPC}.
 */
public final class SmallDisk implements AutoCloseable {
    private final Path mountPoint;

    private SmallDisk(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** Mounts a tmpfs of {@code size} (mount(8)'s syntax: {@code 1m}) on {@code mountPoint}, made if missing. */
    public static SmallDisk mount(Path mountPoint, String size) throws IOException, InterruptedException {
        Files.createDirectories(mountPoint);
        run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", mountPoint.toString());
        return new SmallDisk(mountPoint);
    }

    public Path path() {
        return mountPoint;
    }

    /** Writes a file until the disk has only {@code leftBytes} or less free; delete it to give the space back. */
    public Path fill(long leftBytes) throws IOException {
        Path file = mountPoint.resolve("filler");
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (Files.getFileStore(file).getUsableSpace() > leftBytes) {
                out.write(block);
                out.flush();
            }
        }
        return file;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run("umount", mountPoint.toString());
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).inheritIO().start();
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: the tests need root to mount a small disk");
        }
    }
}
