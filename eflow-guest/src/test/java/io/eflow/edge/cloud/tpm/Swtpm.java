package io.eflow.edge.cloud.tpm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** swtpm, a TPM 2.0 in software, on a UNIX socket for a test; tpm2-tools reach it through {@link #tcti()}. */
final class Swtpm implements AutoCloseable {
    private final Path dir;
    private final Process process;

    private Swtpm(Path dir, Process process) {
        this.dir = dir;
        this.process = process;
    }

    static Swtpm start() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("guest-swtpm");
        Files.createDirectories(dir.resolve("state"));
        Process process = new ProcessBuilder("swtpm", "socket", "--tpm2", "--tpmstate", "dir=" + dir.resolve("state"),
                "--server", "type=unixio,path=" + dir.resolve("tpm.sock"), "--ctrl", "type=unixio,path=" + dir.resolve("ctrl.sock"),
                "--flags", "not-need-init,startup-clear").redirectErrorStream(true)
                .redirectOutput(dir.resolve("swtpm.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(dir.resolve("tpm.sock"))) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IOException("swtpm did not start: " + Files.readString(dir.resolve("swtpm.log")));
            }
            Thread.sleep(20);
        }
        return new Swtpm(dir, process);
    }

    /** As eflow's guest reaches its proxy: {@code cmd:socat} to the socket. */
    String tcti() {
        return "cmd:socat - UNIX-CONNECT:" + dir.resolve("tpm.sock");
    }

    Path dir() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
