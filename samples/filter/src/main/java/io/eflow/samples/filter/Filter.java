package io.eflow.samples.filter;

import io.eflow.samples.module.Env;
import io.eflow.samples.module.HubAccess;
import io.eflow.samples.module.HubConnection;
import io.eflow.samples.module.Log;
import io.eflow.samples.module.ModuleLifecycle;

import java.util.Optional;

/**
 * The filter module: readings from input1 above the threshold go on to output1 as alerts; each message it gets is
 * logged with what became of it. The threshold is the module twin's desired TemperatureThreshold, read after each
 * connection before any reading is judged and followed as it changes ({@link TwinThreshold}); until a twin gives one
 * it is TEMPERATURE_THRESHOLD (default 25).
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
        MessageFilter filter = new MessageFilter(env.decimal("TEMPERATURE_THRESHOLD", DEFAULT_THRESHOLD));
        log.info("filter starting: readings above the module twin's desired " + TwinThreshold.PROPERTY
                + " (until it is read: " + MessageFilter.format(filter.threshold()) + ") go from " + MessageFilter.INPUT
                + " to " + MessageFilter.OUTPUT);
        lifecycle.closeOnStop(connect(HubAccess.from(env), filter, log));
        lifecycle.awaitStop();
    }

    /** The filter on its hub, started. */
    static HubConnection connect(Optional<HubAccess> access, MessageFilter filter, Log log) {
        FilterSetup setup = new FilterSetup(filter, log);
        HubConnection hub = new HubConnection(access, setup, log);
        setup.sendingTo(hub);
        return hub.start();
    }
}
