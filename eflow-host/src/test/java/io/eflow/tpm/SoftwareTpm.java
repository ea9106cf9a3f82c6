package io.eflow.tpm;

import io.eflow.platform.Exec;
import io.eflow.platform.FileTrees;
import io.eflow.platform.Pause;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * swtpm, a real TPM 2.0 in software, on a UNIX socket speaking raw TPM frames: the host TPM for tests on machines
 * without a chip. Its own tools reach it directly through {@link #directTcti()}; the guest goes through the proxy.
 */
public final class SoftwareTpm implements AutoCloseable {
    private final Path dir;
    private final Process process;

    private SoftwareTpm(Path dir, Process process) {
        this.dir = dir;
        this.process = process;
    }

    public static SoftwareTpm start() throws IOException {
        return start(Files.createTempDirectory("eflow-swtpm"));
    }

    /** Keeps its state and sockets in {@code dir} (removed on close): a test run's home, say. */
    public static SoftwareTpm start(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("state"));
        Process process = new ProcessBuilder("swtpm", "socket", "--tpm2", "--tpmstate", "dir=" + dir.resolve("state"),
                "--server", "type=unixio,path=" + dir.resolve("tpm.sock"), "--ctrl", "type=unixio,path=" + dir.resolve("ctrl.sock"),
                "--flags", "not-need-init,startup-clear").redirectErrorStream(true).redirectOutput(dir.resolve("swtpm.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(dir.resolve("tpm.sock"))) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IOException("swtpm did not start (apt-get install swtpm): " + Files.readString(dir.resolve("swtpm.log")));
            }
            Pause.millis(20);
        }
        return new SoftwareTpm(dir, process);
    }

    /** What eflow's proxy opens: {@code unix:/path}. */
    public String spec() {
        return "unix:" + dir.resolve("tpm.sock");
    }

    /** tpm2-tools straight to the software TPM, as the host's owner would use its TPM. */
    public String directTcti() {
        return "cmd:socat - UNIX-CONNECT:" + dir.resolve("tpm.sock");
    }

    /** Runs a tpm2-tools command on the host against the TPM directly. */
    public Exec.Result tool(List<String> argv) {
        return Exec.of(argv).env("TPM2TOOLS_TCTI", directTcti()).timeoutSeconds(30).run();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
        FileTrees.deleteRecursively(dir);
    }
}
