package io.eflow.daemon;

import io.eflow.instance.GuestClock;
import io.eflow.instance.InstanceManager;
import io.eflow.instance.model.PowerState;
import io.eflow.platform.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The daemon's side of time-sync: every running VM guest's clock checked each {@link #PERIOD}, set when it strays. */
final class TimeSync implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TimeSync.class);
    static final Duration PERIOD = Duration.ofSeconds(60);

    private final InstanceManager manager;
    private final GuestClock clocks;
    private final ScheduledExecutorService timer = DaemonThreads.timer("time-sync");

    TimeSync(InstanceManager manager) {
        this.manager = manager;
        this.clocks = new GuestClock(manager);
    }

    void start() {
        timer.scheduleWithFixedDelay(this::keepAll, 10, PERIOD.toSeconds(), TimeUnit.SECONDS);
    }

    void keepAll() {
        try {
            for (var instance : manager.list()) {
                if (instance.powerState() == PowerState.RUNNING) {
                    keep(instance.name());
                }
            }
        } catch (RuntimeException e) {
            // a failure here must not end the schedule: the next period tries again
            log.warn("time-sync failed: {}", e.getMessage());
        }
    }

    private void keep(String name) {
        try {
            clocks.keep(name).ifPresent(offset -> log.info("{}: the guest's clock was {} s {} the host's; set it to the host's",
                    name, Math.abs(offset.toMillis()) / 1000.0, offset.isNegative() ? "behind" : "ahead of"));
        } catch (RuntimeException e) {
            log.debug("{}: clock not checked this time: {}", name, e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
