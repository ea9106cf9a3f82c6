package io.eflow.edge.cloud.tpm;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Debian's tpm2-tools, each run as a process against one TCTI with a timeout, in a work folder. A tool that fails
 * is a {@link TpmException} with its stderr's last line. Without a resource manager (swtpm, a raw TPM, eflow's proxy)
 * the transient objects a tool loads stay loaded after it exits, and a TPM has room for three: {@link #runFlushing}
 * flushes those that appeared while the tool ran, no others.
 */
final class TpmTools {
    private final String tcti;
    private final Path folder;
    private final Duration timeout;

    TpmTools(String tcti, Path folder, Duration timeout) {
        this.tcti = tcti;
        this.folder = folder;
        this.timeout = timeout;
    }

    /** Runs the tool in the work folder; answers its standard output. */
    byte[] run(byte[] stdin, String... argv) {
        ProcessBuilder builder = new ProcessBuilder(argv).directory(folder.toFile());
        builder.environment().put("TPM2TOOLS_TCTI", tcti);
        Process process;
        Path err;
        try {
            err = Files.createTempFile(folder, "tool", ".err");
            process = builder.redirectError(err.toFile()).start();
        } catch (IOException e) {
            throw new TpmException("cannot run " + argv[0] + " (are tpm2-tools installed?): " + e.getMessage(), e);
        }
        try {
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
            try (OutputStream in = process.getOutputStream()) {
                in.write(stdin);
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new TpmException(argv[0] + " did not finish in " + timeout.toSeconds() + " s");
            }
            byte[] stdout = out.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (process.exitValue() != 0) {
                throw new TpmException(argv[0] + " failed (exit " + process.exitValue() + "): " + reason(err));
            }
            return stdout;
        } catch (IOException | ExecutionException | TimeoutException e) {
            throw new TpmException(argv[0] + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TpmException(argv[0] + " was interrupted", e);
        } finally {
            process.destroyForcibly();
            try {
                Files.deleteIfExists(err);
            } catch (IOException e) {
                // a leftover of an empty or diagnostic file in a private folder
            }
        }
    }

    String text(String... argv) {
        return new String(run(new byte[0], argv), StandardCharsets.UTF_8).strip();
    }

    /** Runs the tool, then flushes the transient objects it left loaded, also when it failed. */
    void runFlushing(String... argv) {
        List<String> before = transients();
        try {
            run(new byte[0], argv);
        } catch (TpmException e) {
            flushNew(before, e);
            throw e;
        }
        flushNew(before, null);
    }

    /**
     * Flushes the transient objects not in {@code before}. When {@code failure} is already on its way its message is
     * the one that counts: a failed flush is added to it, not put in its place.
     */
    void flushNew(List<String> before, TpmException failure) {
        try {
            for (String handle : transients()) {
                if (!before.contains(handle)) {
                    run(new byte[0], "tpm2_flushcontext", handle);
                }
            }
        } catch (TpmException e) {
            if (failure == null) {
                throw e;
            }
            failure.addSuppressed(e);
        }
    }

    /** The transient object handles loaded now, as {@code tpm2_getcap handles-transient} lists them ({@code - 0x80…}). */
    List<String> transients() {
        List<String> handles = new ArrayList<>();
        for (String line : text("tpm2_getcap", "handles-transient").split("\n")) {
            String handle = line.strip().replaceFirst("^-\\s*", "");
            if (handle.startsWith("0x")) {
                handles.add(handle);
            }
        }
        return handles;
    }

    /** Whether a persistent handle (0x81…) holds an object. */
    boolean persistent(String handle) {
        for (String line : text("tpm2_getcap", "handles-persistent").split("\n")) {
            if (line.strip().replaceFirst("^-\\s*", "").equalsIgnoreCase(handle)) {
                return true;
            }
        }
        return false;
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new TpmException("cannot read a tool's output: " + e.getMessage(), e);
        }
    }

    /**
     * Why a tool failed, from its stderr: the last line that names a TPM or TCTI response code (tpm2-tools end with a
     * bare "Unable to run …", which says nothing), with that last line when there is no such one.
     */
    private static String reason(Path err) {
        try {
            List<String> lines = Files.readAllLines(err, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank())
                    .map(String::strip).toList();
            if (lines.isEmpty()) {
                return "(nothing on stderr)";
            }
            String last = lines.get(lines.size() - 1);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (lines.get(i).matches(".*\\(0x[0-9A-Fa-f]+\\).*|.*[Tt]cti.*")) {
                    return lines.get(i).replaceFirst("^ERROR: ", "") + " (" + last + ")";
                }
            }
            return last;
        } catch (IOException e) {
            return "(stderr unreadable: " + e.getMessage() + ")";
        }
    }
}
