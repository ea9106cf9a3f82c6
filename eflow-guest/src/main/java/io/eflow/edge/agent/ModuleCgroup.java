package io.eflow.edge.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A module's cgroup v2 group under {@code /sys/fs/cgroup/eflow-modules}, which carries its HostConfig.Memory,
 * NanoCpus and a pids limit. On a VM the guest mounts cgroup v2; a namespace guest has none of its own (the host's
 * limit on the whole guest still holds), and then modules run without per-module limits — {@link #enforced} says
 * which, and the agent reports it.
 */
final class ModuleCgroup {
    static final Path ROOT = Path.of("/sys/fs/cgroup");
    static final Path PARENT = ROOT.resolve("eflow-modules");
    private static final String CONTROLLERS = "+cpu +memory +pids";
    private final Path group;

    private ModuleCgroup(Path group) {
        this.group = group;
    }

    static boolean enforced() {
        return Files.exists(ROOT.resolve("cgroup.controllers"));
    }

    /** @param memory bytes, 0 for none; @param nanoCpus 1e9 per CPU, 0 for none */
    static ModuleCgroup create(String id, long memory, long nanoCpus, long pids) throws IOException {
        if (!enforced()) {
            return new ModuleCgroup(null);
        }
        Files.createDirectories(PARENT);
        Files.writeString(ROOT.resolve("cgroup.subtree_control"), CONTROLLERS);
        Files.writeString(PARENT.resolve("cgroup.subtree_control"), CONTROLLERS);
        Path group = PARENT.resolve(id);
        if (Files.isDirectory(group)) {
            Files.delete(group);
        }
        Files.createDirectory(group);
        if (memory > 0) {
            Files.writeString(group.resolve("memory.max"), Long.toString(memory));
        }
        if (nanoCpus > 0) {
            long quota = Math.max(1000, nanoCpus / (1_000_000_000L / ModuleSpec.CPU_PERIOD));
            Files.writeString(group.resolve("cpu.max"), quota + " " + ModuleSpec.CPU_PERIOD);
        }
        Files.writeString(group.resolve("pids.max"), Long.toString(pids));
        return new ModuleCgroup(group);
    }

    void join(long pid) throws IOException {
        if (group != null) {
            Files.writeString(group.resolve("cgroup.procs"), Long.toString(pid));
        }
    }

    /**
     * The command, run in this group from its first instruction: a shell moves itself in (writing 0 to cgroup.procs
     * moves the writer) and execs it, so the module's limits hold for it as for the module, with no moment outside.
     */
    List<String> wrap(List<String> command) {
        if (group == null) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("/bin/sh", "-c", "echo 0 > \"$0\" && exec \"$@\"",
                group.resolve("cgroup.procs").toString()));
        wrapped.addAll(command);
        return List.copyOf(wrapped);
    }

    /** Fails quietly while processes remain; the next create of the same module retries. */
    void remove() {
        if (group != null) {
            try {
                Files.deleteIfExists(group);
            } catch (IOException ignored) {
                // still populated: removed on the module's next start
            }
        }
    }
}
