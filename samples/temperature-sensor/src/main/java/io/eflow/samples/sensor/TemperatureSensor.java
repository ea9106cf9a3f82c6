package io.eflow.samples.sensor;

import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import io.eflow.samples.module.Env;
import io.eflow.samples.module.HubAccess;
import io.eflow.samples.module.HubConnection;
import io.eflow.samples.module.Log;
import io.eflow.samples.module.ModuleLifecycle;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * The temperature sensor module: a reading every SEND_INTERVAL_MS to the output "temperatureOutput", each one
 * also logged, sent or not, so the module's log shows it working with no hub at all. Its direct method {@value #RESET}
 * starts the machine's temperature over; any other method is answered 501.
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
        SensorSettings sensor = SensorSettings.from(env);
        log.info("temperature sensor starting: a reading every " + sensor.interval().toMillis() + " ms, "
                + (sensor.unlimited() ? "no limit" : sensor.messageCount() + " readings") + ", to " + OUTPUT);
        MachineSimulator machine = new MachineSimulator(new Random());
        HubConnection hub = lifecycle.closeOnStop(connect(HubAccess.from(env), machine, log));
        for (long n = 1; sensor.unlimited() || n <= sensor.messageCount(); n++) {
            send(hub, machine, n, log);
            if (lifecycle.awaitStop(sensor.interval())) {
                return;
            }
        }
        log.info("made the " + sensor.messageCount() + " readings of MESSAGE_COUNT; idle until stopped");
        lifecycle.awaitStop();
    }

    /** The sensor on its hub, started: its direct methods answered on every connection. */
    static HubConnection connect(Optional<HubAccess> access, MachineSimulator machine, Log log) {
        return new HubConnection(access, new HubConnection.Setup() {
            @Override
            public void opened(ModuleClient client) throws IotHubClientException, InterruptedException {
                client.subscribeToMethods((name, payload, context) -> call(name, machine, log), null);
            }
        }, log).start();
    }

    /** One reading, logged with whether it went to the hub. */
    static void send(HubConnection hub, MachineSimulator machine, long n, Log log) {
        String body = machine.next(Instant.now()).toJson();
        // a Message draws a random id: not made without a hub (a chroot without /dev/urandom waits seconds for one)
        boolean sent = hub.isConnected() && hub.send(message(body), OUTPUT);
        log.info("reading " + n + (sent ? " sent to " + OUTPUT : " not sent (no edgeHub connection)") + ": " + body);
    }

    private static Message message(String json) {
        Message message = new Message(json);
        message.setContentType("application/json");
        message.setContentEncoding("utf-8");
        return message;
    }

    /** A direct method call: {@value #RESET} cools the machine down, any other name is not here (501, as IoT Hub's). */
    static DirectMethodResponse call(String name, MachineSimulator machine, Log log) {
        if (!RESET.equals(name)) {
            log.info("direct method " + name + " answered 501: no such method");
            return new DirectMethodResponse(501, Map.of("message", "no direct method '" + name + "' here"));
        }
        machine.reset();
        log.info("direct method " + name + " answered 200");
        return new DirectMethodResponse(200, Map.of("message", "the machine temperature starts again from " + MachineSimulator.START));
    }
}
