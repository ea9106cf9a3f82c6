package io.eflow.edge.agent;

import io.eflow.contract.manifest.HealthCheck;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One module container, run by crun in the foreground inside a user namespace of its own.
 *
 * <p>Why a user namespace: on the namespace backend the guest has no CAP_SYS_ADMIN, so it cannot mount the module's
 * overlay root or create namespaces; inside a user namespace it can. The namespace maps ids 0–65535 to the same
 * ids outside, so image files keep their owners and a module's root has no more power over the guest's files than
 * guest root — and far less in the kernel: its capabilities count only in its own namespaces. On a VM it is the
 * same path, with cgroup v2 limits around it.
 *
 * <p>The handshake: {@code module-launch} (in the image) makes the namespaces and waits for one line on stdin; the
 * agent, which holds CAP_SETUID/CAP_SETGID outside, writes the id maps (and joins the cgroup) in the meantime; the
 * launcher then mounts the overlay (image tree below, the module's writable layer above) and execs crun.
 */
final class ContainerProcess {
    static final Path CRUN_ROOT = Path.of("/run/eflow/crun");
    static final String ID_MAP = "0 0 65536\n";
    static final String LAUNCHER = "/usr/lib/eflow/bin/module-launch";
    /** In the bundle: the process that {@code crun exec} runs as the module's health check. */
    static final String PROBE = "probe.json";

    private final String id;
    private final Process process;
    private final ModuleCgroup cgroup;
    private final Path bundle;
    private final HealthCheck health;

    private ContainerProcess(String id, Process process, ModuleCgroup cgroup, Path bundle, HealthCheck health) {
        this.id = id;
        this.process = process;
        this.cgroup = cgroup;
        this.bundle = bundle;
        this.health = health;
    }

    /**
     * @param bundle a folder with config.json, rootfs/ (the mount point), upper/ and work/, and {@value #PROBE} when
     *               the module has a health check
     * @param lower  the image's unpacked tree
     * @param health the module's health check, or null for none
     */
    static ContainerProcess start(String id, Path bundle, Path lower, ModuleCgroup cgroup, HealthCheck health) throws IOException {
        deleteStale(id);
        List<String> command = new ArrayList<>(List.of(LAUNCHER));
        command.addAll(List.of(lower.toString(), bundle.resolve("upper").toString(), bundle.resolve("work").toString(),
                bundle.resolve("rootfs").toString(), CRUN_ROOT.toString(), bundle.toString(), id));
        Files.createDirectories(CRUN_ROOT);
        Process process = new ProcessBuilder(command).start();
        try {
            awaitOwnUserNamespace(process);
            Path proc = Path.of("/proc", Long.toString(process.pid()));
            Files.writeString(proc.resolve("uid_map"), ID_MAP);
            Files.writeString(proc.resolve("gid_map"), ID_MAP);
            cgroup.join(process.pid());
            try (OutputStream go = process.getOutputStream()) {
                go.write("go\n".getBytes(StandardCharsets.US_ASCII));
            }
        } catch (IOException | RuntimeException e) {
            process.destroyForcibly();
            cgroup.remove();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        return new ContainerProcess(id, process, cgroup, bundle, health);
    }

    private static void awaitOwnUserNamespace(Process process) throws IOException {
        Path own = Files.readSymbolicLink(Path.of("/proc/self/ns/user"));
        Path theirs = Path.of("/proc", Long.toString(process.pid()), "ns", "user");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("module-launch exited with " + process.exitValue() + " before the module started: "
                        + new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip());
            }
            try {
                if (!Files.readSymbolicLink(theirs).equals(own)) {
                    return;
                }
                Thread.sleep(1);
            } catch (IOException ignored) {
                // the process is between fork and exec; try again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while starting " + theirs);
            }
        }
        throw new IOException("module-launch did not make a user namespace within 10 s");
    }

    Process process() {
        return process;
    }

    Optional<HealthCheck> healthCheck() {
        return Optional.ofNullable(health);
    }

    /**
     * The command that runs the health check's test in this container, in its cgroup: {@code crun exec} with the
     * bundle's {@value #PROBE}. crun joins the container's namespaces, which belong to the user namespace
     * module-launch made; a namespace guest lacks CAP_SYS_ADMIN to join them from outside, so nsenter enters that
     * user namespace first, where crun run itself runs.
     */
    List<String> probeCommand() {
        return cgroup.wrap(List.of("nsenter", "--user=/proc/" + process.pid() + "/ns/user", "crun", "--root",
                CRUN_ROOT.toString(), "--cgroup-manager=disabled", "exec", "--process", bundle.resolve(PROBE).toString(), id));
    }

    /** crun's state for this container exists: the container has been created and its process started. */
    boolean created() {
        return Files.exists(CRUN_ROOT.resolve(id).resolve("status"));
    }

    /** SIGTERM, then SIGKILL after {@code grace}, as {@code docker stop} does. Returns the exit code. */
    int stop(Duration grace) throws InterruptedException {
        if (process.isAlive()) {
            crun("kill", id, "TERM");
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                crun("kill", "--all", id, "KILL");
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        }
        return process.waitFor();
    }

    /** After the container's exit: what crun and the cgroup leave behind. */
    void cleanUp() {
        deleteStale(id);
        cgroup.remove();
    }

    /** A container of the same name left by an agent that died: crun refuses to create it again otherwise. */
    static void deleteStale(String id) {
        if (Files.exists(CRUN_ROOT.resolve(id))) {
            crun("delete", "--force", id);
        }
    }

    private static void crun(String... args) {
        List<String> command = new ArrayList<>(List.of("crun", "--root", CRUN_ROOT.toString()));
        command.addAll(List.of(args));
        try {
            Process crun = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            crun.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run crun: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
