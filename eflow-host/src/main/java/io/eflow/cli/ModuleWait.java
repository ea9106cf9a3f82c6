package io.eflow.cli;

import io.eflow.contract.manifest.DeploymentManifest;
import io.eflow.contract.manifest.EdgeModule;
import io.eflow.contract.wire.ModuleReport;
import io.eflow.contract.wire.PullProgress;
import io.eflow.platform.EflowException;
import io.eflow.platform.Progress;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code deployment apply --wait}: follows the guest's modules until every module the manifest wants running runs its
 * image (or, run once, ended well), telling each change of state as a line and an image pull's bytes as a bar. A module
 * the agent backs off from (an image it cannot pull, a container that will not start) or that failed ends the wait with
 * its own description. A new deployment restarts the agent's back-off, so a failure shown is this deployment's. A
 * change of only a running module's settings, its image the same, counts as done before the agent recreates it.
 * Asks twice a second over the daemon's socket: a CLI that exits when done needs no stream.
 */
final class ModuleWait {
    private static final Duration POLL = Duration.ofMillis(500);

    private final Map<String, EdgeModule> wanted;
    private final Progress progress;
    private final Map<String, String> told = new HashMap<>();

    ModuleWait(DeploymentManifest manifest, Progress progress) {
        this.wanted = manifest.agent().modules();
        this.progress = progress;
    }

    void until(Supplier<Map<String, ModuleReport>> modules, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!settled(modules.get())) {
            if (System.nanoTime() > deadline) {
                throw new EflowException(504, "the modules were not all running after " + timeout.toSeconds() + " s; 'eflow module list' shows them");
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EflowException("interrupted while waiting for the modules");
            }
        }
    }

    /** Whether every wanted module runs its image; tells what changed since the last look. */
    boolean settled(Map<String, ModuleReport> reports) {
        boolean all = true;
        for (EdgeModule module : wanted.values()) {
            ModuleReport report = reports.get(module.name());
            boolean current = report != null && module.image().toString().equals(report.image());
            if (!module.desiredRunning()) {
                continue;
            }
            if (!current) {
                all = false;
                continue;
            }
            tell(module.name(), report);
            if (report.pull() != null) {
                all = false; // a retry's pull is under way, whatever the last attempt left as the state
                continue;
            }
            switch (report.runtimeStatus()) {
                case "running" -> {
                }
                case "backoff", "failed" -> throw new EflowException(module.name() + ": " + report.runtimeStatus() + ", "
                        + report.statusDescription());
                default -> all &= finished(report);
            }
        }
        return all;
    }

    /** A module that runs once (restartPolicy never or on-failure) and ended well is done, not waited for. */
    private static boolean finished(ModuleReport report) {
        return "stopped".equals(report.runtimeStatus()) && Integer.valueOf(0).equals(report.exitCode())
                && ("never".equals(report.restartPolicy()) || "on-failure".equals(report.restartPolicy()));
    }

    private void tell(String name, ModuleReport report) {
        String line = name + ": " + report.runtimeStatus() + (report.statusDescription() == null ? "" : ", " + report.statusDescription());
        if (!line.equals(told.put(name, line))) {
            progress.accept(line);
        }
        PullProgress pull = report.pull();
        if (pull != null) {
            progress.bytes(line, pull.done(), pull.total());
        }
    }
}
