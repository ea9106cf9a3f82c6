package io.eflow.cli;

import io.eflow.daemon.api.SocketProbe;
import io.eflow.platform.EflowException;
import io.eflow.platform.EflowPaths;
import io.eflow.platform.ProcessLock;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts eflowd when the CLI finds nobody answering, as {@code docker} users expect their daemon to be there.
 * The daemon runs the CLI's own Java and class path, in a new session ({@code setsid}) so that neither the
 * terminal's Ctrl-C nor its hang-up reaches it, with its stdio in {@code eflowd.out} beside the log.
 */
final class DaemonLauncher {
    static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    static final String MAIN_CLASS = "io.eflow.cli.EflowCli";

    private final EflowPaths paths;
    private final Map<String, String> env;

    DaemonLauncher(EflowPaths paths, Map<String, String> env) {
        this.paths = paths;
        this.env = env;
    }

    /**
     * Starts a daemon and waits until it answers; returns at once if one already does. One CLI at a time starts it,
     * under a lock beside the socket: fifty that found none at once used to start fifty JVMs, each loading its
     * instances before all but one found the daemon's own lock taken, and the one left then missed its start timeout
     * on a two-core host. The others wait for the lock and find the daemon answering.
     */
    void ensureRunning() {
        Path socket = paths.daemonSocket();
        if (SocketProbe.answers(socket)) {
            return;
        }
        try (ProcessLock ignored = startLock(socket.resolveSibling("eflowd-start.lock"))) {
            if (!SocketProbe.answers(socket)) {
                start(socket);
            }
        }
    }

    private ProcessLock startLock(Path file) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try {
            // created as eflowd makes it (RuntimeDirectory): root's alone, so nobody else can hold the lock
            Files.createDirectories(file.getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            while (true) {
                Optional<ProcessLock> lock = ProcessLock.tryAcquire(file);
                if (lock.isPresent()) {
                    return lock.get();
                }
                if (System.nanoTime() > deadline) {
                    throw new EflowException(500, "another eflow command has been starting eflowd for " + START_TIMEOUT.toSeconds()
                            + " s; see " + paths.log().resolve("eflowd.log") + " and " + stdioFile());
                }
                sleep(Duration.ofMillis(25));
            }
        } catch (IOException e) {
            throw new EflowException(500, "cannot start eflowd: cannot lock " + file + ": " + e.getMessage());
        }
    }

    private void start(Path socket) {
        Process daemon = spawn();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (SocketProbe.answers(socket)) {
                return;
            }
            if (!daemon.isAlive()) {
                // one started another way (systemd, `eflow daemon`) may have won the race; ours then exits, and it answers
                if (SocketProbe.answers(socket)) {
                    return;
                }
                throw new EflowException(500, "eflowd exited with code " + daemon.exitValue() + " while starting"
                        + lastLine(stdioFile()) + "; see " + paths.log().resolve("eflowd.log") + " and " + stdioFile());
            }
            sleep(Duration.ofMillis(25));
        }
        throw new EflowException(500, "eflowd did not answer on " + socket + " within " + START_TIMEOUT.toSeconds()
                + " s; see " + paths.log().resolve("eflowd.log") + " and " + stdioFile());
    }

    /**
     * The daemon's JVM options, here and in {@code bin/eflow daemon} (a test holds the two together): a small heap
     * footprint matters more than GC throughput, and the heap starts small, is bounded, and follows what is live (the
     * free ratios). Left to the JVM's defaults (a quarter of the host's RAM) it grew for as long as a soak ran, 30-40
     * MiB an hour with nothing kept (bench/soak.sh).
     */
    static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-Xms16m", "-Xmx256m", "-XX:MinHeapFreeRatio=10",
            "-XX:MaxHeapFreeRatio=30");

    /** The daemon's command line: same JVM, same classes, server JIT (it lives long), quiet console. */
    static List<String> command(String javaHome, String classPath) {
        List<String> command = new ArrayList<>();
        command.add("setsid");
        command.add(Path.of(javaHome, "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.add("-cp");
        command.add(classPath);
        command.add(MAIN_CLASS);
        command.add("daemon");
        command.add("--detached");
        return command;
    }

    private Process spawn() {
        Path out = stdioFile();
        try {
            Files.createDirectories(out.getParent());
            Files.setPosixFilePermissions(out.getParent(), PosixFilePermissions.fromString("rwxr-x---"));
            ProcessBuilder builder = new ProcessBuilder(command(System.getProperty("java.home"), System.getProperty("java.class.path")))
                    .directory(new File("/"))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                    .redirectErrorStream(true);
            builder.environment().clear();
            builder.environment().putAll(env);
            return builder.start();
        } catch (IOException e) {
            throw new EflowException(500, "cannot start eflowd: " + e.getMessage());
        }
    }

    private Path stdioFile() {
        return paths.log().resolve("eflowd.out");
    }

    private static String lastLine(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    return ": " + lines.get(i).strip();
                }
            }
        } catch (IOException ignored) {
            // no output to quote
        }
        return "";
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EflowException(500, "interrupted while waiting for eflowd to start");
        }
    }
}
