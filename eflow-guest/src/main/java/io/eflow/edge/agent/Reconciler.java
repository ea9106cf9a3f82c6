package io.eflow.edge.agent;

import io.eflow.contract.manifest.DeploymentManifest;
import io.eflow.contract.manifest.EdgeModule;
import io.eflow.contract.manifest.RestartPolicy;
import io.eflow.contract.wire.ModuleReport;
import io.eflow.contract.wire.PullProgress;
import io.eflow.edge.image.ImageException;
import io.eflow.edge.time.MonotonicClock;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The edge agent's loop: compares the desired deployment with what runs and closes the gap — creates, recreates
 * (image or configuration changed), starts in startupOrder, stops and removes modules, and restarts those that
 * stopped or turned unhealthy as their restart policy says, after an exponential back-off.
 *
 * <p>One thread runs the loop; container exits and health checks only record what happened and wake it. Every state
 * change happens under this object's monitor, which reports read too.
 */
final class Reconciler implements Runnable {
    private static final System.Logger LOG = System.getLogger(Reconciler.class.getName());
    static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final Duration IDLE = Duration.ofSeconds(1);

    private final ModuleImages images;
    private final Containers containers;
    /** Dates people read: last start, last exit. */
    private final Clock clock;
    /** Spans: back-off waits, how long a run lasted, health checks' start period (see {@link MonotonicClock}). */
    private final Clock timers;
    private final Backoff backoff;
    private final HealthMonitor health;
    private final Map<String, ModuleRecord> modules = new LinkedHashMap<>();
    private DeploymentManifest desired;
    private String generation = "0";
    private volatile boolean running = true;
    private boolean wake;

    Reconciler(ModuleImages images, Containers containers, Clock clock, Clock timers, Backoff backoff) {
        this.images = images;
        this.containers = containers;
        this.clock = clock;
        this.timers = timers;
        this.backoff = backoff;
        this.health = new HealthMonitor(timers);
    }

    synchronized void desire(DeploymentManifest manifest, String generationId) {
        if (!manifest.equals(desired)) {
            // a new deployment is a fresh start for the modules the agent was backing off from: what they lacked
            // (registry credentials, createOptions) may be in it, so they are tried now rather than after their delay,
            // and their reports stop telling the old deployment's failure
            for (ModuleRecord module : modules.values()) {
                if (module.state == RuntimeState.BACKOFF && module.container == null) {
                    module.notBefore = null;
                    module.failedStarts = 0;
                    module.state = RuntimeState.STOPPED;
                    module.description = "to be started with the new deployment";
                }
            }
        }
        this.desired = manifest;
        this.generation = generationId;
        wakeUp();
    }

    synchronized Optional<DeploymentManifest> desired() {
        return Optional.ofNullable(desired);
    }

    /** @return false when no such module is deployed */
    synchronized boolean restart(String name) {
        ModuleRecord module = modules.get(name);
        if (module == null) {
            return false;
        }
        module.restartRequested = true;
        wakeUp();
        return true;
    }

    synchronized Map<String, ModuleReport> report() {
        Map<String, ModuleReport> report = new LinkedHashMap<>();
        modules.values().forEach(m -> report.put(m.spec.name(), m.report()));
        return report;
    }

    private synchronized void wakeUp() {
        wake = true;
        notifyAll();
    }

    @Override
    public void run() {
        while (running) {
            try {
                reconcile();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "reconcile failed; trying again", e);
            }
            synchronized (this) {
                try {
                    if (!wake) {
                        // wait(0) would mean "forever": a due time under a millisecond away rounds up
                        wait(Math.max(1, nextWait().toMillis()));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                wake = false;
            }
        }
    }

    /** Stops every module (the guest is shutting down); their records stay for the next start's report. */
    void shutdown() {
        running = false;
        health.close();
        List<ModuleRecord> all;
        synchronized (this) {
            all = new ArrayList<>(modules.values());
            notifyAll();
        }
        stopAll(all, "the agent is stopping", module -> { });
    }

    /** Stops modules side by side: each may take its whole grace period, which one after another would add up. */
    private void stopAll(List<ModuleRecord> modules, String why, Consumer<ModuleRecord> then) {
        List<Thread> stopping = new ArrayList<>();
        for (ModuleRecord module : modules) {
            Thread thread = new Thread(() -> {
                stop(module, why);
                then.accept(module);
            }, "stop-" + module.spec.name());
            thread.start();
            stopping.add(thread);
        }
        for (Thread thread : stopping) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private Duration nextWait() {
        Instant now = timers.instant();
        Duration wait = IDLE;
        for (ModuleRecord module : modules.values()) {
            if (module.notBefore != null && module.notBefore.isAfter(now)) {
                Duration until = Duration.between(now, module.notBefore);
                wait = until.compareTo(wait) < 0 ? until : wait;
            }
        }
        return wait;
    }

    /** One pass. Slow steps (pulls, starts, stops) run without the monitor held, so reports stay answerable. */
    void reconcile() {
        DeploymentManifest target;
        List<ModuleRecord> gone = new ArrayList<>();
        synchronized (this) {
            target = desired;
            if (target == null) {
                return;
            }
            Map<String, EdgeModule> wanted = target.agent().modules();
            modules.values().removeIf(module -> {
                if (!wanted.containsKey(module.spec.name())) {
                    gone.add(module);
                    return true;
                }
                return false;
            });
        }
        stopAll(gone, "removed from the deployment", module -> containers.forget(module.spec.name()));
        try {
            containers.names(target.agent().modules().keySet());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot write the modules' hosts file: " + e.getMessage());
        }
        List<EdgeModule> ordered = new ArrayList<>(target.agent().modules().values());
        ordered.sort(Comparator.comparingLong(EdgeModule::startupOrder));
        for (EdgeModule wanted : ordered) {
            ModuleRecord module;
            synchronized (this) {
                module = modules.get(wanted.name());
            }
            if (module != null && module.spec.needsRecreation(wanted)) {
                stop(module, "recreated: its image or configuration changed");
                containers.delete(wanted.name());
                module = null;
            }
            if (module == null) {
                module = new ModuleRecord(wanted);
                synchronized (this) {
                    modules.put(wanted.name(), module);
                }
            }
            converge(module, wanted);
        }
    }

    private void converge(ModuleRecord module, EdgeModule wanted) {
        boolean restart;
        synchronized (this) {
            module.spec = wanted;
            restart = module.restartRequested;
            module.restartRequested = false;
        }
        if (!wanted.desiredRunning()) {
            if (module.container != null) {
                stop(module, "stopped: its desired status is stopped");
            }
            synchronized (this) {
                module.state = RuntimeState.STOPPED;
                module.notBefore = null;
                module.description = "desired status stopped";
            }
            return;
        }
        if (restart && module.running()) {
            stop(module, "restarted by request");
        }
        if (module.running() && unhealthyRestartDue(module)) {
            stopUnhealthy(module);
        }
        if (module.running()) {
            return;
        }
        synchronized (this) {
            if (!restart && !mayStart(module)) {
                return;
            }
        }
        start(module);
    }

    /** Whether a module that is not running should start now; sets its state when it should not. */
    private boolean mayStart(ModuleRecord module) {
        if (module.stoppedByAgent) {
            return true;
        }
        if (module.lastStart != null && module.exitCode != null && module.failedStarts == 0) {
            boolean failed = module.exitCode != 0;
            RestartPolicy policy = module.spec.restartPolicy();
            if (!policy.restarts(failed, module.stoppedUnhealthy)) {
                module.state = failed ? RuntimeState.FAILED : RuntimeState.STOPPED;
                module.description = "exited with " + module.exitCode + "; restartPolicy " + policyName(policy);
                module.notBefore = null;
                return false;
            }
        }
        if (module.notBefore != null && module.notBefore.isAfter(timers.instant())) {
            module.state = RuntimeState.BACKOFF;
            return false;
        }
        return true;
    }

    private void start(ModuleRecord module) {
        EdgeModule spec = module.spec;
        try {
            DeploymentManifest target;
            synchronized (this) {
                target = desired;
            }
            ModuleImages.Prepared image;
            try {
                image = images.prepare(spec, target.agent().runtime(), (done, total) -> module.pull = new PullProgress(done, total));
            } finally {
                module.pull = null;
            }
            ContainerProcess container = containers.start(spec, image, generation);
            Instant now = clock.instant();
            Instant tick = timers.instant();
            synchronized (this) {
                boolean restarted = module.lastStart != null;
                if (restarted) {
                    module.restartCount++;
                    module.lastRestart = now;
                }
                module.container = container;
                module.imageDigest = image.manifestDigest();
                module.lastStart = now;
                module.startedTick = tick;
                module.failedStarts = 0;
                module.stoppedByAgent = false;
                module.stoppedUnhealthy = false;
                module.notBefore = null;
                module.exitCode = null;
                module.state = RuntimeState.RUNNING;
                module.description = image.note().isEmpty() ? "running" : "running; " + image.note();
                module.health = container.healthCheck().map(check -> health.watch(check, container.probeCommand(), tick,
                        (status, description) -> healthChanged(module, container, status, description))).orElse(null);
            }
            container.process().onExit().thenRun(() -> exited(module, container));
        } catch (ImageException | ModuleSpecException | IOException e) {
            synchronized (this) {
                Duration delay = backoff.delay(module.failedStarts++);
                module.state = RuntimeState.BACKOFF;
                module.description = (e instanceof ImageException ? "image: " : "create: ") + e.getMessage()
                        + "; retrying in " + delay.toSeconds() + " s";
                module.notBefore = timers.instant().plus(delay);
            }
            LOG.log(System.Logger.Level.WARNING, "module " + spec.name() + ": " + e.getMessage());
        }
    }

    private void exited(ModuleRecord module, ContainerProcess container) {
        int code = container.process().exitValue();
        try {
            container.cleanUp();
            containers.exited(module.spec.name(), code);
        } catch (RuntimeException e) {
            // the exit must still be recorded below, or the module would count as running for ever
            LOG.log(System.Logger.Level.WARNING, "module " + module.spec.name() + ": cleaning up after its exit: " + e.getMessage());
        }
        synchronized (this) {
            if (module.container != container) {
                return;
            }
            Instant now = clock.instant();
            module.container = null;
            stopProbing(module);
            module.exitCode = code;
            module.lastExit = now;
            backOff(module, "exited with " + code);
            wakeUp();
        }
    }

    /** The next start waits for the back-off, which a run of {@code forgiveAfter} or longer resets to its first step. */
    private void backOff(ModuleRecord module, String what) {
        Instant exited = timers.instant();
        if (module.startedTick != null && Duration.between(module.startedTick, exited).compareTo(backoff.forgiveAfter()) >= 0) {
            module.restartCount = 0;
        }
        Duration delay = backoff.delay(module.restartCount);
        module.notBefore = exited.plus(delay);
        module.state = RuntimeState.BACKOFF;
        module.description = what + "; next start in " + delay.toMillis() / 1000.0 + " s";
    }

    /** A health check of the running container changed its status (on the health monitor's thread). */
    private synchronized void healthChanged(ModuleRecord module, ContainerProcess container, HealthState.Status status,
                                            String description) {
        if (module.container != container || !container.process().isAlive()) {
            return;
        }
        RestartPolicy policy = module.spec.restartPolicy();
        if (status == HealthState.Status.UNHEALTHY) {
            module.state = RuntimeState.UNHEALTHY;
            module.description = policy.restartsUnhealthy() ? description
                    : description + "; restartPolicy " + policyName(policy) + " keeps it running";
            if (policy.restartsUnhealthy()) {
                wakeUp();
            }
        } else if (module.state == RuntimeState.UNHEALTHY) {
            module.state = RuntimeState.RUNNING;
            module.description = "running; " + description + " again";
        }
    }

    private synchronized boolean unhealthyRestartDue(ModuleRecord module) {
        return module.state == RuntimeState.UNHEALTHY && module.spec.restartPolicy().restartsUnhealthy();
    }

    /** Stops a module that failed its health check; its policy starts it again after the back-off, as after a crash. */
    private void stopUnhealthy(ModuleRecord module) {
        String why;
        synchronized (this) {
            why = module.description;
        }
        if (!stop(module, why)) {
            return;
        }
        synchronized (this) {
            module.stoppedByAgent = false;
            module.stoppedUnhealthy = true;
            backOff(module, why + "; stopped");
        }
    }

    private void stopProbing(ModuleRecord module) {
        if (module.health != null) {
            module.health.cancel();
            module.health = null;
        }
    }

    /** @return whether it stopped a container (false: none ran, or its exit had already been recorded) */
    private boolean stop(ModuleRecord module, String why) {
        ContainerProcess container;
        synchronized (this) {
            container = module.container;
            module.container = null;
            stopProbing(module);
        }
        if (container == null) {
            return false;
        }
        try {
            int code = container.stop(STOP_GRACE);
            container.cleanUp();
            synchronized (this) {
                module.exitCode = code;
                module.lastExit = clock.instant();
                module.state = RuntimeState.STOPPED;
                module.stoppedByAgent = true;
                module.description = why;
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static String policyName(RestartPolicy policy) {
        return policy.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
