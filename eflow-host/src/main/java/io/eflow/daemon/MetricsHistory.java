package io.eflow.daemon;

import io.eflow.daemon.api.InstanceDetails;
import io.eflow.daemon.api.InstanceSummary;
import io.eflow.daemon.api.MetricsPoint;
import io.eflow.instance.InstanceManager;
import io.eflow.instance.model.PowerState;
import io.eflow.platform.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The last hour of each running instance's CPU, memory and /var, sampled by the daemon every 30 s whether or not
 * anyone looks, so the console's charts have the hour behind them when a page opens. Kept in memory: a daemon restart
 * starts the hour again.
 */
final class MetricsHistory implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetricsHistory.class);
    static final Duration PERIOD = Duration.ofSeconds(30);
    static final int POINTS = (int) (Duration.ofHours(1).toSeconds() / PERIOD.toSeconds());

    private final InstanceManager manager;
    private final Clock clock;
    private final Map<String, Deque<MetricsPoint>> points = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sampler = DaemonThreads.timer("metrics-history");

    MetricsHistory(InstanceManager manager, Clock clock) {
        this.manager = manager;
        this.clock = clock;
    }

    void start() {
        sampler.scheduleWithFixedDelay(this::sampleAll, 5, PERIOD.toSeconds(), TimeUnit.SECONDS);
    }

    List<MetricsPoint> history(String name) {
        Deque<MetricsPoint> kept = points.get(name);
        if (kept == null) {
            return List.of();
        }
        synchronized (kept) {
            return List.copyOf(kept);
        }
    }

    void sampleAll() {
        try {
            sampleEach();
        } catch (RuntimeException e) {
            // a failure here must not end the schedule: the next period tries again
            log.warn("metrics sampling failed: {}", e.getMessage());
        }
    }

    private void sampleEach() {
        List<InstanceSummary> instances = manager.list();
        for (InstanceSummary instance : instances) {
            if (instance.powerState() != PowerState.RUNNING) {
                continue;
            }
            try {
                record(instance.name(), manager.get(instance.name()));
            } catch (RuntimeException e) {
                log.debug("no metrics from {} this time: {}", instance.name(), e.getMessage());
            }
        }
        points.keySet().removeIf(name -> instances.stream().noneMatch(i -> i.name().equals(name)));
    }

    void record(String name, InstanceDetails details) {
        InstanceDetails.SystemStatistics stats = details.statistics();
        if (stats == null) {
            return;
        }
        Deque<MetricsPoint> kept = points.computeIfAbsent(name, key -> new ArrayDeque<>());
        synchronized (kept) {
            kept.addLast(new MetricsPoint(clock.instant(), stats.cpuPercent(), stats.memoryUsedMb(), stats.memoryTotalMb(),
                    stats.data() == null ? -1 : stats.data().usedMb()));
            while (kept.size() > POINTS) {
                kept.removeFirst();
            }
        }
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
