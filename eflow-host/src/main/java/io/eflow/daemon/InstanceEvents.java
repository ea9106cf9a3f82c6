package io.eflow.daemon;

import io.eflow.console.LiveStreams;
import io.eflow.daemon.api.InstanceDetails;
import io.eflow.daemon.api.InstanceSummary;
import io.eflow.instance.InstanceManager;
import io.eflow.instance.model.InstanceConfig;
import io.eflow.instance.model.PowerState;
import io.eflow.modules.AgentClient;
import io.eflow.platform.EflowException;
import io.eflow.platform.Json;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * Live views for the console as server-sent events, pushed whenever what they show changes, sampled here every few
 * seconds so that browsers do not poll: {@code GET /v1/instances/{name}/events} (state, statistics, each module's
 * status and restarts) and {@code GET /v1/instances/{name}/hub/events} (the hub's clients, queues, routes and upstream).
 * Each stream holds a request thread, so remote callers get at most a few at once; beyond them, 503.
 */
final class InstanceEvents {
    private static final Duration SAMPLE = Duration.ofSeconds(3);
    private static final int MAX_STREAMS = 12;
    private final InstanceManager manager;
    private final AgentClient edge;
    private final Semaphore streams = new Semaphore(MAX_STREAMS);

    InstanceEvents(InstanceManager manager, AgentClient edge) {
        this.manager = manager;
        this.edge = edge;
    }

    void instance(Context ctx, String name) throws IOException {
        InstanceConfig config = manager.config(name); // unknown: 404 before the stream starts
        // what the host knows at once goes first: the guest's own figures can take seconds (an emulated VM just booted)
        PowerState state = manager.list().stream().filter(i -> i.name().equals(config.name())).findFirst()
                .map(InstanceSummary::powerState).orElse(PowerState.STOPPED);
        Map<String, Object> first = new LinkedHashMap<>();
        first.put("instance", new InstanceDetails(config, state, null, null));
        first.put("modules", null);
        stream(ctx, first, () -> sample(name));
    }

    void hub(Context ctx, String name, Supplier<Object> status) throws IOException {
        manager.config(name);
        stream(ctx, null, () -> {
            try {
                return manager.get(name).powerState() == PowerState.RUNNING ? status.get() : Map.of("error", name + " is not running");
            } catch (EflowException e) {
                return Map.of("error", e.getMessage());
            }
        });
    }

    /** @param first sent before the first sample, when not null */
    private void stream(Context ctx, Object first, Supplier<Object> sampler) throws IOException {
        // remote views are capped, so browsers elsewhere cannot take the daemon's threads; the host's own root is not
        Semaphore slots = ctx.req().isSecure() ? streams : new Semaphore(1);
        if (!slots.tryAcquire()) {
            throw new EflowException(503, "too many live views of instances are open; close one");
        }
        OutputStream raw = ctx.res().getOutputStream();
        LiveStreams.Watch watch;
        try {
            watch = LiveStreams.watch(ctx, () -> DaemonApi.closeQuietly(raw));
        } catch (RuntimeException e) {
            slots.release();
            throw e;
        }
        try (watch) {
            ctx.status(200).contentType(SseFraming.CONTENT_TYPE).header("Cache-Control", "no-store");
            OutputStream out = watch.guard(raw);
            if (first != null) {
                out.write("data: ".getBytes(StandardCharsets.US_ASCII));
                out.write(Json.write(first));
                out.write("\n\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            byte[] last = null;
            while (true) {
                byte[] now = Json.write(sampler.get());
                if (!Arrays.equals(now, last)) {
                    out.write("data: ".getBytes(StandardCharsets.US_ASCII));
                    out.write(now);
                    out.write("\n\n".getBytes(StandardCharsets.US_ASCII));
                    last = now;
                } else {
                    out.write(":\n\n".getBytes(StandardCharsets.US_ASCII)); // finds a reader that left
                }
                out.flush();
                Thread.sleep(SAMPLE.toMillis());
            }
        } catch (IOException | RuntimeException e) {
            // the reader left, or the instance went away: the stream ends
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            slots.release();
        }
    }

    private Map<String, Object> sample(String name) {
        Map<String, Object> event = new LinkedHashMap<>();
        var details = manager.get(name);
        event.put("instance", details);
        Object modules = null;
        if (details.powerState() == PowerState.RUNNING) {
            try {
                modules = edge.modules(name);
            } catch (EflowException e) {
                modules = Map.of("error", e.getMessage());
            }
        }
        event.put("modules", modules);
        return event;
    }
}
