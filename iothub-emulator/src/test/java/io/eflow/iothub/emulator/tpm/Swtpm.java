package io.eflow.iothub.emulator.tpm;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * swtpm, a TPM 2.0 in software, on a UNIX socket speaking raw TPM frames, and Debian's tpm2-tools run against it
 * through {@code cmd:socat}: a real TPM for the tests of the emulator's DPS, the guest's attestation and the host's
 * proxy (the host's tests take it as the host's TPM). {@link #startTcp} serves it on a loopback TCP port instead, for
 * a TSS of its own (the Node SDK's tss.js).
 */
public final class Swtpm implements AutoCloseable {
    private final Path dir;
    private final Process process;

    private Swtpm(Path dir, Process process) {
        this.dir = dir;
        this.process = process;
    }

    public static Swtpm start() throws IOException, InterruptedException {
        return start(Files.createTempDirectory("eflow-swtpm"));
    }

    /** Keeps its state and sockets in {@code dir} (removed on close): a test run's home, say. */
    public static Swtpm start(Path dir) throws IOException, InterruptedException {
        return start(dir, "type=unixio,path=" + dir.resolve("tpm.sock"), () -> Files.exists(dir.resolve("tpm.sock")));
    }

    /** On 127.0.0.1:{@code port} (its control channel on a UNIX socket). */
    public static Swtpm startTcp(int port) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("eflow-swtpm");
        return start(dir, "type=tcp,bindaddr=127.0.0.1,port=" + port, () -> {
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private static Swtpm start(Path dir, String server, BooleanSupplier listening) throws IOException, InterruptedException {
        Files.createDirectories(dir.resolve("state"));
        Process process = new ProcessBuilder("swtpm", "socket", "--tpm2", "--tpmstate", "dir=" + dir.resolve("state"),
                "--server", server, "--ctrl", "type=unixio,path=" + dir.resolve("ctrl.sock"),
                "--flags", "not-need-init,startup-clear").redirectErrorStream(true)
                .redirectOutput(dir.resolve("swtpm.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!listening.getAsBoolean()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IOException("swtpm did not start (apt-get install swtpm): " + Files.readString(dir.resolve("swtpm.log")));
            }
            Thread.sleep(20);
        }
        return new Swtpm(dir, process);
    }

    /** The socket that speaks raw TPM frames. */
    public Path socket() {
        return dir.resolve("tpm.sock");
    }

    /** tpm2-tools straight to the TPM: {@code cmd:socat} to its socket. */
    public String tcti() {
        return "cmd:socat - UNIX-CONNECT:" + dir.resolve("tpm.sock");
    }

    public Path dir() {
        return dir;
    }

    /** Runs a tpm2-tools command in the TPM's folder; answers its standard output. */
    public String tool(String... argv) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(argv).directory(dir.toFile());
        builder.environment().put("TPM2TOOLS_TCTI", tcti());
        Path err = dir.resolve("tool.err");
        Process tool = builder.redirectError(err.toFile()).start();
        byte[] out = tool.getInputStream().readAllBytes();
        if (!tool.waitFor(30, TimeUnit.SECONDS)) {
            tool.destroyForcibly();
            throw new IOException(argv[0] + " timed out");
        }
        if (tool.exitValue() != 0) {
            throw new IOException(String.join(" ", argv) + " failed: " + Files.readString(err));
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** A loopback TCP port free now. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
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
            List<Path> all = new ArrayList<>(files.sorted(Comparator.reverseOrder()).toList());
            for (Path file : all) {
                Files.deleteIfExists(file);
            }
        }
    }
}
