package io.eflow.samples.filter;

import io.eflow.samples.module.EdgeHubClient;
import io.eflow.samples.module.Env;
import io.eflow.samples.module.Log;
import io.eflow.samples.module.ModuleLifecycle;
import io.eflow.samples.module.ModuleSettings;
import io.eflow.samples.module.ModuleTwin;

/**
 * The filter module: readings from input1 above the threshold go on to output1 as alerts; each message it gets is
 * logged with what became of it. The threshold is the module twin's desired TemperatureThreshold, read before the
 * input is subscribed and followed as it changes ({@link TwinThreshold}); until a twin gives one it is
 * TEMPERATURE_THRESHOLD (default 25).
 */
public final class Filter {
    public static final String DEFAULT_MODULE_ID = "filter";
    public static final double DEFAULT_THRESHOLD = 25.0;

    private Filter() {
    }

    public static void main(String[] args) {
        ModuleLifecycle.main(DEFAULT_MODULE_ID, Filter::run);
    }

    private static void run(Env env, Log log, ModuleLifecycle lifecycle) throws InterruptedException {
        ModuleSettings module = ModuleSettings.from(env, DEFAULT_MODULE_ID);
        MessageFilter filter = new MessageFilter(module.deviceId(), module.moduleId(),
                env.decimal("TEMPERATURE_THRESHOLD", DEFAULT_THRESHOLD));
        log.info("filter starting: " + module.describe() + "; readings above the module twin's desired "
                + TwinThreshold.PROPERTY + " (until it is read: " + MessageFilter.format(filter.threshold())
                + ") go from " + MessageFilter.INPUT + " to " + MessageFilter.OUTPUT);
        if (!module.defaultsUsed().isEmpty()) {
            log.info("not started by IoT Edge? defaults taken: " + String.join(", ", module.defaultsUsed()));
        }
        lifecycle.closeOnStop(connect(module, filter, log));
        lifecycle.awaitStop();
    }

    /** The filter's connection to its hub and its twin over it, closed together (the twin first). */
    record Connection(EdgeHubClient hub, ModuleTwin twin) implements AutoCloseable {
        @Override
        public void close() {
            twin.close();
            hub.close();
        }
    }

    /**
     * The filter on its hub, started: its twin attached first (after each connection it is read before the input is
     * subscribed), then its input.
     */
    static Connection connect(ModuleSettings module, MessageFilter filter, Log log) {
        EdgeHubClient hub = new EdgeHubClient(module, log);
        ModuleTwin twin = ModuleTwin.attach(hub, log);
        twin.listen(new TwinThreshold(filter, log, twin::reportProperties));
        hub.subscribe(filter.subscription(), (topic, payload) -> {
            MessageFilter.Decision decision = filter.decide(topic, payload);
            if (decision instanceof MessageFilter.Alert alert) {
                boolean sent = hub.publish(alert.topic(), alert.payload());
                log.info("machine temperature " + MessageFilter.format(alert.temperature()) + " above "
                        + MessageFilter.format(alert.threshold()) + ": alert "
                        + (sent ? "sent to " + MessageFilter.OUTPUT : "not sent (no edgeHub connection)"));
            } else if (decision instanceof MessageFilter.Below below) {
                log.info("machine temperature " + MessageFilter.format(below.temperature()) + " not above "
                        + MessageFilter.format(below.threshold()) + ": dropped");
            } else if (decision instanceof MessageFilter.Ignored ignored) {
                log.info("ignored a message on " + topic + ": " + ignored.reason());
            }
        });
        hub.start();
        return new Connection(hub, twin);
    }
}
