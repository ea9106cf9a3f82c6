package io.eflow.edge.agent;

import io.eflow.contract.manifest.EdgeModule;
import io.eflow.contract.wire.ModuleReport;
import io.eflow.contract.wire.PullProgress;

import java.time.Instant;

/** What the agent knows of one module: its desired form, its container if one runs, and what it reports. */
final class ModuleRecord {
    EdgeModule spec;
    String imageDigest = "";
    ContainerProcess container;
    RuntimeState state = RuntimeState.STOPPED;
    String description = "created";
    Integer exitCode;
    int restartCount;
    /** Failed attempts to start (pull or create) since the last good start: they back off too. */
    int failedStarts;
    Instant lastStart;
    Instant lastExit;
    Instant lastRestart;
    /** When the last start happened on the agent's monotonic clock: how long a run lasted, whatever the wall clock did. */
    Instant startedTick;
    /** When the next start may happen, on the agent's monotonic clock; null: now. */
    Instant notBefore;
    /** Set by {@code eflow module restart}: start again at once, whatever the policy and back-off say. */
    boolean restartRequested;
    /** The agent stopped it (desired status, restart, removal): its exit says nothing about the restart policy. */
    boolean stoppedByAgent;
    /** The agent stopped it for failing its health check: a restart policy that restarts unhealthy modules applies. */
    boolean stoppedUnhealthy;
    /** While its image is being pulled, how far that got; null otherwise. Written by the starting thread, unlocked. */
    volatile PullProgress pull;
    /** The health checks of the running container; null when it has none or nothing runs. */
    HealthMonitor.Watch health;

    ModuleRecord(EdgeModule spec) {
        this.spec = spec;
    }

    /** As the {@code $edgeAgent} reported properties and {@code eflow module list} describe it. */
    ModuleReport report() {
        PullProgress pulling = pull;
        return new ModuleReport(state.json(), pulling != null ? "pulling " + spec.image() : description, exitCode, restartCount,
                lastStart, lastExit, lastRestart,
                spec.version(), "docker", spec.desiredRunning() ? "running" : "stopped",
                Reconciler.policyName(spec.restartPolicy()), spec.image().toString(), imageDigest.isEmpty() ? null : imageDigest,
                spec.startupOrder(), pulling);
    }

    /**
     * A container is assigned until its exit has been recorded: a process that is already dead but whose exit the
     * agent has not handled yet still counts, or the loop would start it again before reading its restart policy.
     */
    boolean running() {
        return container != null;
    }
}
