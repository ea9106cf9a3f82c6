package io.eflow.samples.sensor;

import io.eflow.samples.module.DirectMethods;
import io.eflow.samples.module.EdgeHubClient;
import io.eflow.samples.module.Env;
import io.eflow.samples.module.Log;
import io.eflow.samples.module.ModuleLifecycle;
import io.eflow.samples.module.ModuleSettings;
import io.eflow.samples.module.ModuleTopics;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Random;

/**
 * The temperature sensor module: a reading every SEND_INTERVAL_MS to the output "temperatureOutput", each one
 * also logged, sent or not, so the module's log shows it working with no hub at all. Its direct method {@value #RESET}
 * starts the machine's temperature over.
 */
public final class TemperatureSensor {
    public static final String DEFAULT_MODULE_ID = "tempSensor";
    public static final String OUTPUT = "temperatureOutput";
    /** The direct method that cools the machine down. */
    public static final String RESET = "reset";

    private TemperatureSensor() {
    }

    public static void main(String[] args) {
        ModuleLifecycle.main(DEFAULT_MODULE_ID, TemperatureSensor::run);
    }

    private static void run(Env env, Log log, ModuleLifecycle lifecycle) throws InterruptedException {
        ModuleSettings module = ModuleSettings.from(env, DEFAULT_MODULE_ID);
        SensorSettings sensor = SensorSettings.from(env);
        log.info("temperature sensor starting: " + module.describe() + "; a reading every "
                + sensor.interval().toMillis() + " ms, "
                + (sensor.unlimited() ? "no limit" : sensor.messageCount() + " readings"));
        if (!module.defaultsUsed().isEmpty()) {
            log.info("not started by IoT Edge? defaults taken: " + String.join(", ", module.defaultsUsed()));
        }
        EdgeHubClient hub = lifecycle.closeOnStop(new EdgeHubClient(module, log));
        MachineSimulator machine = new MachineSimulator(new Random());
        DirectMethods.attach(hub, log, Map.of(RESET, payload -> {
            machine.reset();
            return new DirectMethods.Answer(200, "{\"message\":\"the machine temperature starts again from "
                    + MachineSimulator.START + "\"}");
        }));
        hub.start();

        String topic = ModuleTopics.output(module.deviceId(), module.moduleId(), OUTPUT, Map.of());
        for (long n = 1; sensor.unlimited() || n <= sensor.messageCount(); n++) {
            String body = machine.next(Instant.now()).toJson();
            boolean sent = hub.publish(topic, body.getBytes(StandardCharsets.UTF_8));
            log.info("reading " + n + (sent ? " sent to " + OUTPUT : " not sent (no edgeHub connection)") + ": "
                    + body);
            if (lifecycle.awaitStop(sensor.interval())) {
                return;
            }
        }
        log.info("made the " + sensor.messageCount() + " readings of MESSAGE_COUNT; idle until stopped");
        lifecycle.awaitStop();
    }
}
