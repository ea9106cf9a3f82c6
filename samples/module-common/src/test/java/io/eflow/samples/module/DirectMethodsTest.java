package io.eflow.samples.module;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A module's direct methods on a broker where the test plays the edge hub: it calls, the module answers. */
class DirectMethodsTest {
    @TempDir
    Path dir;

    @Test
    void aKnownMethodIsAnsweredWithItsStatusAnUnknownOne501AndAFailingOne500() throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Log log = new Log("m", new PrintStream(output, true, StandardCharsets.UTF_8), Clock.systemUTC());
        try (Broker broker = Broker.start(dir)) {
            EdgeHubClient module = new EdgeHubClient(ModuleSettings.from(new Env(Map.of("IOTEDGE_GATEWAYHOSTNAME",
                    "127.0.0.1", "EDGEHUB_PORT", String.valueOf(broker.port()), "IOTEDGE_DEVICEID", "d",
                    "IOTEDGE_MODULEID", "m")), "m"), log);
            DirectMethods.attach(module, log, Map.of(
                    "echo", payload -> new DirectMethods.Answer(201, "{\"got\":" + payload + "}"),
                    "broken", payload -> {
                        throw new IllegalStateException("out of order");
                    }));
            module.start();
            MqttClient hub = new MqttClient("tcp://127.0.0.1:" + broker.port(), "hub", new MemoryPersistence());
            try {
                hub.connect(new MqttConnectOptions());
                BlockingQueue<String> answers = new LinkedBlockingQueue<>();
                hub.subscribe("$iothub/methods/res/#", 1, (topic, message) ->
                        answers.add(topic + " " + new String(message.getPayload(), StandardCharsets.UTF_8)));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!module.isConnected() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                Thread.sleep(300); // the module's subscription follows its connection

                hub.publish("$iothub/methods/POST/echo/?$rid=7", "{\"a\":1}".getBytes(StandardCharsets.UTF_8), 1, false);
                assertThat(answers.poll(10, TimeUnit.SECONDS)).isEqualTo("$iothub/methods/res/201/?$rid=7 {\"got\":{\"a\":1}}");
                hub.publish("$iothub/methods/POST/Echo/?$rid=8", "null".getBytes(StandardCharsets.UTF_8), 1, false);
                assertThat(answers.poll(10, TimeUnit.SECONDS)).startsWith("$iothub/methods/res/501/?$rid=8 ")
                        .contains("no direct method 'Echo' here");
                hub.publish("$iothub/methods/POST/broken/?$rid=9", "{}".getBytes(StandardCharsets.UTF_8), 1, false);
                assertThat(answers.poll(10, TimeUnit.SECONDS)).startsWith("$iothub/methods/res/500/?$rid=9 ")
                        .contains("out of order");
                assertThat(output.toString(StandardCharsets.UTF_8)).contains("direct method echo answered 201");
            } finally {
                hub.disconnectForcibly(0, 500);
                hub.close(true);
                module.close();
            }
        }
    }
}
