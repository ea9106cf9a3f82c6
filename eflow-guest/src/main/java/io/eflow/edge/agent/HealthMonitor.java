package io.eflow.edge.agent;

import io.eflow.contract.manifest.HealthCheck;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the health checks of every running module on one scheduler thread. As with Docker, a module's next probe
 * starts an interval after its previous one ended; each probe is a process of its own, so a slow one holds up no
 * other module's.
 */
final class HealthMonitor implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HealthMonitor.class.getName());

    /** Told, on the monitor's thread, when a module's health status changes. */
    interface Listener {
        void changed(HealthState.Status status, String description);
    }

    private final Clock clock;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "health-checks");
        thread.setDaemon(true);
        return thread;
    });

    HealthMonitor(Clock clock) {
        this.clock = clock;
    }

    /**
     * Starts probing one container run: {@code command} runs the check's test in it, first an interval from now.
     *
     * @param check     with Docker's defaults filled in
     * @param started   when the container started, from which the start period counts
     * @return the watch, to cancel when the container stops
     */
    Watch watch(HealthCheck check, List<String> command, Instant started, Listener listener) {
        Watch watch = new Watch(check, command, new HealthState(check, started), listener);
        watch.scheduleNext();
        return watch;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }

    /** The health checks of one container run. */
    final class Watch {
        private final HealthCheck check;
        private final List<String> command;
        private final HealthState state;
        private final Listener listener;
        private volatile boolean cancelled;
        private volatile ScheduledFuture<?> next;

        private Watch(HealthCheck check, List<String> command, HealthState state, Listener listener) {
            this.check = check;
            this.command = List.copyOf(command);
            this.state = state;
            this.listener = listener;
        }

        /** No probe starts after this; one running finishes unheard (its container is going away with it). */
        void cancel() {
            cancelled = true;
            ScheduledFuture<?> pending = next;
            if (pending != null) {
                pending.cancel(false);
            }
        }

        private void scheduleNext() {
            if (cancelled) {
                return;
            }
            try {
                next = scheduler.schedule(this::probe, check.interval().toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // the monitor is closed: the agent is stopping
            }
        }

        private void probe() {
            if (!cancelled) {
                // the probe completes on the scheduler's thread, so the state is only ever touched there
                HealthProbe.run(command, check.timeout(), scheduler, clock).thenAccept(this::record);
            }
        }

        private void record(HealthProbe.Result result) {
            if (cancelled) {
                return;
            }
            try {
                if (state.record(result)) {
                    listener.changed(state.status(), state.describe());
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "health check listener failed", e);
            }
            scheduleNext();
        }
    }
}
