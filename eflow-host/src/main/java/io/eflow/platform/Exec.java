package io.eflow.platform;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs host tools (crun, ip, nft, mount, mkfs, mmdebstrap) and captures their output. A JVM is
 * multithreaded, so namespace work cannot be done in-process: these tools are the way in.
 */
public final class Exec {
    private final List<String> command;
    private Path directory;
    private byte[] input;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private long timeoutSeconds = 300;
    private Path outputFile;
    /** Null: stderr is only captured. */
    private Consumer<String> stderrLines;

    private Exec(List<String> command) {
        this.command = List.copyOf(command);
    }

    public static Exec of(String... command) {
        return new Exec(List.of(command));
    }

    public static Exec of(List<String> command) {
        return new Exec(command);
    }

    public Exec in(Path dir) {
        this.directory = dir;
        return this;
    }

    public Exec input(String text) {
        this.input = text.getBytes(StandardCharsets.UTF_8);
        return this;
    }

    public Exec env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /**
     * Appends the tool's stdout and stderr to a file instead of capturing them: needed for tools that leave a
     * child running with their output (crun run --detach hands it to the guest's init), which would keep a pipe open.
     * The result then carries the file's last lines as its stderr.
     */
    public Exec outputTo(Path file) {
        this.outputFile = file;
        return this;
    }

    /** Hands each line of the tool's stderr on as it comes (a long tool's own phases), besides capturing it. */
    public Exec onStderrLine(Consumer<String> lines) {
        this.stderrLines = lines;
        return this;
    }

    public Exec timeoutSeconds(long seconds) {
        this.timeoutSeconds = seconds;
        return this;
    }

    /** Runs and returns the result whatever the exit code. */
    public Result run() {
        ProcessBuilder builder = new ProcessBuilder(command);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        builder.environment().putAll(environment);
        if (outputFile != null) {
            builder.redirectErrorStream(true);
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(outputFile.toFile()));
        }
        try {
            Process process = builder.start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread outPump = pump(process.getInputStream(), out, null);
            Thread errPump = pump(process.getErrorStream(), err, stderrLines);
            try (var stdin = process.getOutputStream()) {
                if (input != null) {
                    stdin.write(input);
                }
            } catch (IOException ignored) {
                // the tool closed its input early; its exit code says whether that mattered
            }
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw EflowException.failure(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s", null);
            }
            outPump.join();
            errPump.join();
            String errors = outputFile == null ? err.toString(StandardCharsets.UTF_8) : tail(outputFile, 5);
            return new Result(command, process.exitValue(), out.toString(StandardCharsets.UTF_8), errors);
        } catch (IOException e) {
            throw EflowException.failure("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EflowException.failure("interrupted while running " + command.get(0), e);
        }
    }

    /** Runs and fails with the tool's own error text when the exit code is not zero. */
    public Result check() {
        Result result = run();
        if (result.exitCode() != 0) {
            throw EflowException.failure(result.describeFailure(), null);
        }
        return result;
    }

    private static String tail(Path file, int lines) throws IOException {
        List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** A reader of the lines that fails must not stop the pump: the tool would lose its stderr and fail with it. */
    private static void tell(Consumer<String> lines, String line) {
        try {
            lines.accept(line);
        } catch (RuntimeException e) {
            // the line is still captured; only its report is lost
        }
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream sink, Consumer<String> lines) {
        Thread thread = new Thread(() -> {
            try (in) {
                if (lines == null) {
                    in.transferTo(sink);
                    return;
                }
                ByteArrayOutputStream line = new ByteArrayOutputStream();
                byte[] buffer = new byte[8192];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    sink.write(buffer, 0, n);
                    int start = 0;
                    for (int i = 0; i < n; i++) {
                        if (buffer[i] == '\n') {
                            line.write(buffer, start, i - start);
                            tell(lines, line.toString(StandardCharsets.UTF_8));
                            line.reset();
                            start = i + 1;
                        }
                    }
                    line.write(buffer, start, n - start);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "exec-pump");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        public String describeFailure() {
            String detail = stderr.isBlank() ? stdout.strip() : stderr.strip();
            List<String> lines = new ArrayList<>(detail.lines().toList());
            String last = lines.isEmpty() ? "" : ": " + lines.get(lines.size() - 1);
            return String.join(" ", command.subList(0, Math.min(command.size(), 3)))
                    + (command.size() > 3 ? " …" : "") + " failed (exit " + exitCode + ")" + last;
        }
    }
}
