package io.eflow.tpm;

import io.eflow.iothub.emulator.tpm.Swtpm;
import io.eflow.platform.Exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * swtpm, a real TPM 2.0 in software, on a UNIX socket speaking raw TPM frames: the host TPM for tests on machines
 * without a chip. Its own tools reach it directly through {@link #directTcti()}; the guest goes through the proxy.
 */
public final class SoftwareTpm implements AutoCloseable {
    private final Swtpm swtpm;

    private SoftwareTpm(Swtpm swtpm) {
        this.swtpm = swtpm;
    }

    public static SoftwareTpm start() throws IOException {
        return start(Files.createTempDirectory("eflow-swtpm"));
    }

    /** Keeps its state and sockets in {@code dir} (removed on close): a test run's home, say. */
    public static SoftwareTpm start(Path dir) throws IOException {
        try {
            return new SoftwareTpm(Swtpm.start(dir));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while swtpm started", e);
        }
    }

    /** What eflow's proxy opens: {@code unix:/path}. */
    public String spec() {
        return "unix:" + swtpm.socket();
    }

    /** tpm2-tools straight to the software TPM, as the host's owner would use its TPM. */
    public String directTcti() {
        return swtpm.tcti();
    }

    /** Runs a tpm2-tools command on the host against the TPM directly. */
    public Exec.Result tool(List<String> argv) {
        return Exec.of(argv).env("TPM2TOOLS_TCTI", directTcti()).timeoutSeconds(30).run();
    }

    @Override
    public void close() {
        try {
            swtpm.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove swtpm's folder", e);
        }
    }
}
