package io.eflow.backend.qemu;

import io.eflow.platform.Exec;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * This host's QEMU and the accelerator it can use, probed once per daemon (the answer does not change while it
 * runs, and the probe costs a QEMU start).
 */
public final class HostAcceleration {
    public static final String QEMU = "qemu-system-x86_64";
    private final Supplier<Accelerator> probe;
    private volatile Accelerator cached;

    public HostAcceleration() {
        this(HostAcceleration::probe);
    }

    /** With another probe (tests count its calls). */
    HostAcceleration(Supplier<Accelerator> probe) {
        this.probe = probe;
    }

    /** Whether the QEMU binary is on PATH. */
    public static boolean qemuInstalled() {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        return Arrays.stream(path.split(File.pathSeparator)).anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, QEMU)));
    }

    public Accelerator accelerator() {
        Accelerator answer = cached;
        if (answer == null) {
            synchronized (this) {
                if (cached == null) {
                    cached = probe.get();
                }
                answer = cached;
            }
        }
        return answer;
    }

    /** Probes without caching: the accelerators QEMU lists, then (Linux) whether KVM really runs a guest. */
    public static Accelerator probe() {
        if (!qemuInstalled()) {
            return Accelerator.TCG;
        }
        return Accelerator.choose(System.getProperty("os.name"), listed(),
                () -> Files.isWritable(Path.of("/dev/kvm")) && KvmProbe.runs(QEMU, Accelerator.KVM));
    }

    /** {@code qemu-system-* -accel help}: a heading line, then one accelerator name per line. */
    static Set<String> listed() {
        Exec.Result result = Exec.of(QEMU, "-accel", "help").timeoutSeconds(10).run();
        return parseAccelHelp(result.ok() ? result.stdout() : "");
    }

    static Set<String> parseAccelHelp(String output) {
        return output.lines().map(String::trim).filter(line -> line.matches("[a-z0-9_-]+"))
                .collect(Collectors.toUnmodifiableSet());
    }
}
