package io.eflow.samples.filter;

import io.eflow.samples.module.EdgeHubClient;
import io.eflow.samples.module.Env;
import io.eflow.samples.module.Log;
import io.eflow.samples.module.ModuleLifecycle;
import io.eflow.samples.module.ModuleSettings;

/**
 * The filter module: readings from input1 above TEMPERATURE_THRESHOLD (default 25) go on to output1 as alerts;
 * each message it gets is logged with what became of it.
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
        log.info("filter starting: " + module.describe() + "; readings above "
                + MessageFilter.format(filter.threshold()) + " go from " + MessageFilter.INPUT + " to "
                + MessageFilter.OUTPUT);
        if (!module.defaultsUsed().isEmpty()) {
            log.info("not started by IoT Edge? defaults taken: " + String.join(", ", module.defaultsUsed()));
        }
        EdgeHubClient hub = lifecycle.closeOnStop(new EdgeHubClient(module, log));
        hub.subscribe(filter.subscription(), (topic, payload) -> {
            MessageFilter.Decision decision = filter.decide(topic, payload);
            if (decision instanceof MessageFilter.Alert alert) {
                boolean sent = hub.publish(alert.topic(), alert.payload());
                log.info("machine temperature " + MessageFilter.format(alert.temperature()) + " above "
                        + MessageFilter.format(filter.threshold()) + ": alert "
                        + (sent ? "sent to " + MessageFilter.OUTPUT : "not sent (no edgeHub connection)"));
            } else if (decision instanceof MessageFilter.Below below) {
                log.info("machine temperature " + MessageFilter.format(below.temperature()) + " not above "
                        + MessageFilter.format(filter.threshold()) + ": dropped");
            } else if (decision instanceof MessageFilter.Ignored ignored) {
                log.info("ignored a message on " + topic + ": " + ignored.reason());
            }
        });
        hub.start();
        lifecycle.awaitStop();
    }
}
