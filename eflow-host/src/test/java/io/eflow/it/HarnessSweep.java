package io.eflow.it;

import io.eflow.instance.InstanceManager;
import io.eflow.platform.EflowPaths;
import io.eflow.platform.FileTrees;
import io.eflow.tpm.TpmPassthrough;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Removes what a test run left when it was killed (CI's limit, Ctrl-C): its daemon, its guests with everything the
 * product made for them (QEMU, crun containers, network namespaces, nft tables, mounts; eflow's own remove finds them
 * by the instance's records), the attacker network named after the run, its helper processes, and its home. Only runs
 * marked as the harness's and no longer alive are touched: other engineers' runs on this host are left alone.
 */
final class HarnessSweep {
    private HarnessSweep() {
    }

    /** Sweeps every dead run; a failure is reported and the next run tries again. */
    static void earlierRuns() {
        try {
            for (HarnessRun run : HarnessRun.earlier()) {
                if (!run.alive()) {
                    System.out.println("[sweep] an earlier test run was killed: removing what it left in " + run.home());
                    List<String> problems = sweep(run, true);
                    problems.forEach(p -> System.out.println("[sweep] " + p));
                }
            }
        } catch (IOException e) {
            System.out.println("[sweep] cannot list earlier runs: " + e.getMessage());
        }
    }

    /**
     * Removes {@code run}'s objects, each step going on when another fails, and deletes its home unless something
     * is still mounted under it. Returns what could not be removed.
     */
    static List<String> sweep(HarnessRun run, boolean instances) {
        List<String> problems = new ArrayList<>();
        endProcessesOf(run.home());
        if (instances) {
            Map<String, String> env = new HashMap<>(System.getenv());
            env.put("EFLOW_HOME", run.home().toString());
            env.put("EFLOW_TRUST_DIR", run.home().resolve("trusted-keys").toString());
            try {
                InstanceManager manager = new InstanceManager(EflowPaths.from(env), TpmPassthrough.fromEnvironment(Map.of()));
                try {
                    problems.addAll(removeAll(manager));
                } finally {
                    manager.close();
                }
            } catch (RuntimeException e) {
                problems.add("cannot open its instances: " + e.getMessage());
            }
        }
        AttackerHost.remove(run.id());
        PlantNetwork.remove(run.id());
        for (ProcessHandle helper : run.liveHelpers()) {
            end(helper);
        }
        List<String> mounted = Mounts.under(run.home());
        if (mounted.isEmpty()) {
            FileTrees.deleteRecursively(run.home());
        } else {
            problems.add(run.home() + " kept: a guest's disks are still mounted at " + mounted);
        }
        return problems;
    }

    /** Removes every instance, then every network (bridges, DHCP servers), going on past one that fails; returns the failures. */
    static List<String> removeAll(InstanceManager manager) {
        List<String> problems = new ArrayList<>();
        for (var instance : manager.list()) {
            try {
                manager.remove(instance.name());
            } catch (RuntimeException e) {
                problems.add("cannot remove " + instance.name() + ": " + e.getMessage());
            }
        }
        for (var network : manager.networks().list()) {
            try {
                manager.networks().remove(network.name());
            } catch (RuntimeException e) {
                problems.add("cannot remove network " + network.name() + ": " + e.getMessage());
            }
        }
        return problems;
    }

    /**
     * The run's eflowd and the CLI calls it left running: the processes whose environment names exactly this home
     * ({@code EFLOW_HOME=<home>}), which only this run's launcher calls carry.
     */
    private static void endProcessesOf(Path home) {
        String mark = "EFLOW_HOME=" + home;
        ProcessHandle.allProcesses().filter(p -> p.pid() != ProcessHandle.current().pid()).forEach(process -> {
            try {
                String environ = Files.readString(Path.of("/proc", Long.toString(process.pid()), "environ"), StandardCharsets.ISO_8859_1);
                if (List.of(environ.split("\0")).contains(mark)) {
                    end(process);
                }
            } catch (IOException | RuntimeException gone) {
                // ended meanwhile, or not ours to read
            }
        });
    }

    private static void end(ProcessHandle process) {
        process.destroy();
        try {
            process.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception notYet) {
            process.destroyForcibly();
        }
    }
}
