package io.eflow.samples.module;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The twin protocol of a module against a broker where the test plays the edge hub: it sees each request the module
 * makes and answers when, how and whether it likes.
 */
class ModuleTwinTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String TWIN = "{\"desired\":{\"TemperatureThreshold\":25,\"$version\":2},"
            + "\"reported\":{\"$version\":1}}";

    @TempDir
    Path dir;
    private Broker broker;
    private FakeHub hub;
    private EdgeHubClient client;
    private ModuleTwin twin;
    private final List<TwinProperties> desired = new CopyOnWriteArrayList<>();
    private final List<Twin> reads = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final Log log = new Log("m", new PrintStream(output, true, StandardCharsets.UTF_8), Clock.systemUTC());

    /** A request the module published: its topic's request id and its body. */
    record Request(String topic, String requestId, String body) {
    }

    /** The hub's side: every twin request the module makes, queued; answers and patches published at QoS 0. */
    static final class FakeHub implements AutoCloseable {
        final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
        private final MqttClient client;

        FakeHub(int port) throws Exception {
            client = new MqttClient("tcp://127.0.0.1:" + port, "hub", new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(true);
            client.connect(options);
            client.subscribe("$iothub/twin/#", 1, (topic, message) -> {
                if (topic.startsWith("$iothub/twin/GET/") || topic.startsWith("$iothub/twin/PATCH/properties/reported/")) {
                    requests.add(new Request(topic, topic.substring(topic.indexOf("$rid=") + 5),
                            new String(message.getPayload(), StandardCharsets.UTF_8)));
                }
            });
        }

        Request next(String kind) throws InterruptedException {
            Request request = requests.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(request).as("a " + kind + " request").isNotNull();
            assertThat(request.topic()).startsWith("$iothub/twin/" + kind + "/");
            return request;
        }

        void publish(String topic, String body) throws Exception {
            client.publish(topic, body.getBytes(StandardCharsets.UTF_8), 0, false);
        }

        void answer(Request request, int status, String body) throws Exception {
            publish("$iothub/twin/res/" + status + "/?$rid=" + request.requestId(), body);
        }

        @Override
        public void close() throws Exception {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 500);
            }
            client.close(true);
        }
    }

    @BeforeEach
    void start() throws Exception {
        broker = Broker.start(dir);
        hub = new FakeHub(broker.port());
    }

    @AfterEach
    void stop() throws Exception {
        if (twin != null) {
            twin.close();
        }
        if (client != null) {
            client.close();
        }
        hub.close();
        broker.close();
    }

    private String logged() {
        return output.toString(StandardCharsets.UTF_8);
    }

    /** The module, connecting with its twin attached before its input; the listener records what it is told. */
    private void connectModule(Duration answerTimeout) {
        client = new EdgeHubClient(ModuleSettings.from(new Env(Map.of("IOTEDGE_GATEWAYHOSTNAME", "127.0.0.1",
                "EDGEHUB_PORT", String.valueOf(broker.port()), "IOTEDGE_DEVICEID", "d", "IOTEDGE_MODULEID", "m")), "m"), log);
        twin = ModuleTwin.attach(client, log, answerTimeout).listen(new ModuleTwin.Listener() {
            @Override
            public void desiredChanged(TwinProperties properties) {
                log.info("desired " + Json.write(properties.values()) + " version " + properties.version());
                desired.add(properties);
            }

            @Override
            public void twinRead(Twin read) {
                reads.add(read);
            }
        });
        client.subscribe("devices/d/modules/m/inputs/input1/#", (topic, payload) -> { });
        client.start();
    }

    /** Connects the module and answers the twin GET that every connection starts with. */
    private void connectAndAnswer(String document) throws Exception {
        connectModule(WAIT);
        hub.answer(hub.next("GET"), 200, document);
        await(() -> client.isConnected() && logged().contains("connected to edgeHub"));
    }

    private static void await(Check check) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT);
            }
            Thread.sleep(20);
        }
    }

    @FunctionalInterface
    interface Check {
        boolean holds() throws Exception;
    }

    @Test
    void theWholeTwinIsReadOnConnectingBeforeTheInputsAreSubscribed() throws Exception {
        connectAndAnswer(TWIN);

        assertThat(desired).containsExactly(new TwinProperties(Map.of("TemperatureThreshold", 25.0), 2));
        assertThat(reads).singleElement().extracting(Twin::reported).isEqualTo(new TwinProperties(Map.of(), 1));
        String text = logged();
        assertThat(text.indexOf("desired {\"TemperatureThreshold\":25} version 2"))
                .isNotNegative()
                .isLessThan(text.indexOf("connected to edgeHub"));
        assertThat(text).contains("subscribed to $iothub/twin/res/#, $iothub/twin/PATCH/properties/desired/#, "
                + "devices/d/modules/m/inputs/input1/#");
    }

    @Test
    void answersFindTheirRequestsByRequestIdInWhateverOrderTheyCome() throws Exception {
        connectAndAnswer(TWIN);

        CompletableFuture<Long> report = twin.reportProperties(Map.of("TemperatureThreshold", 30.0));
        CompletableFuture<Twin> read = twin.get();
        Request patch = hub.next("PATCH");
        Request get = hub.next("GET");
        assertThat(patch.body()).isEqualTo("{\"TemperatureThreshold\":30}");
        assertThat(patch.requestId()).isNotEqualTo(get.requestId());

        hub.publish("$iothub/twin/res/200/?$rid=no-such-request", "{}");
        hub.answer(get, 200, "{\"desired\":{\"$version\":2},\"reported\":{\"TemperatureThreshold\":30,\"$version\":2}}");
        hub.publish("$iothub/twin/res/204/?$rid=" + patch.requestId() + "&$version=2", "");

        assertThat(read.get(WAIT.toSeconds(), TimeUnit.SECONDS).reported())
                .isEqualTo(new TwinProperties(Map.of("TemperatureThreshold", 30.0), 2));
        assertThat(report.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(2L);
        await(() -> logged().contains("ignored a twin answer to request no-such-request"));
        // a twin read on request is no news to the listener: only reconnections and missed changes are
        assertThat(reads).hasSize(1);
    }

    @Test
    void anErrorAnswerFailsTheRequestWithItsStatus() throws Exception {
        connectAndAnswer(TWIN);

        CompletableFuture<Long> report = twin.reportProperties(Map.of("a", 1.0));
        hub.answer(hub.next("PATCH"), 400, "{\"message\":\"reported properties must be a JSON object\"}");

        assertThatThrownBy(() -> report.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(ModuleTwin.TwinException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("must be a JSON object");
                });
    }

    @Test
    void aRequestTheHubLeavesUnansweredFailsInTimeAndALateAnswerIsIgnored() throws Exception {
        connectModule(Duration.ofMillis(500));
        hub.answer(hub.next("GET"), 200, TWIN);
        await(() -> logged().contains("connected to edgeHub"));

        CompletableFuture<Long> report = twin.reportProperties(Map.of("a", 1.0));
        Request patch = hub.next("PATCH");

        assertThatThrownBy(() -> report.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .cause().isInstanceOf(TimeoutException.class).hasMessageContaining("within 500 ms");
        hub.publish("$iothub/twin/res/204/?$rid=" + patch.requestId() + "&$version=2", "");
        await(() -> logged().contains("ignored a twin answer to request " + patch.requestId()));
    }

    @Test
    void anUnansweredReadOnConnectingIsTriedAgainAndTheInputsDoNotWaitForEver() throws Exception {
        connectModule(Duration.ofMillis(300));
        hub.next("GET"); // unanswered

        await(() -> logged().contains("connected to edgeHub"));
        assertThat(logged()).contains("could not read the module twin").contains("trying again in 1 s");
        hub.answer(hub.next("GET"), 200, TWIN);
        await(() -> desired.size() == 1);
    }

    @Test
    void desiredPatchesAreTakenInVersionOrderAndAGapIsFilledByReadingTheWholeTwin() throws Exception {
        connectAndAnswer(TWIN);

        hub.publish("$iothub/twin/PATCH/properties/desired/?$version=3", "{\"TemperatureThreshold\":30,\"mode\":\"x\"}");
        await(() -> desired.size() == 2);
        assertThat(desired.get(1)).isEqualTo(new TwinProperties(Map.of("TemperatureThreshold", 30.0, "mode", "x"), 3));

        hub.publish("$iothub/twin/PATCH/properties/desired/?$version=3", "{\"TemperatureThreshold\":99}");
        hub.publish("$iothub/twin/PATCH/properties/desired/?$version=2", "{\"TemperatureThreshold\":98}");
        await(() -> logged().contains("ignored desired properties version 2: version 3 is applied"));
        assertThat(logged()).contains("ignored desired properties version 3: version 3 is applied");
        assertThat(desired).hasSize(2);

        // version 4 went missing: 5 alone cannot say what the properties are, the whole twin can
        hub.publish("$iothub/twin/PATCH/properties/desired/?$version=5", "{\"mode\":null}");
        Request get = hub.next("GET");
        assertThat(desired).hasSize(2);
        hub.answer(get, 200, "{\"desired\":{\"TemperatureThreshold\":40,\"$version\":5},\"reported\":{\"$version\":1}}");
        await(() -> desired.size() == 3);
        assertThat(desired.get(2)).isEqualTo(new TwinProperties(Map.of("TemperatureThreshold", 40.0), 5));
        assertThat(logged()).contains("desired properties version 5 do not follow version 3: reading the whole twin");
    }

    @Test
    void afterAReconnectionTheWholeTwinIsReadAgain() throws Exception {
        // a short answer timeout: the module may reconnect before the test's hub is back, and its first GET be lost
        connectModule(Duration.ofSeconds(1));
        hub.answer(hub.next("GET"), 200, TWIN);
        await(() -> desired.size() == 1);
        hub.close();

        broker.stop(); // the module drops; a change it would miss happens meanwhile
        broker.start();
        hub = new FakeHub(broker.port());
        hub.answer(hub.next("GET"), 200, "{\"desired\":{\"TemperatureThreshold\":35,\"$version\":3},"
                + "\"reported\":{\"$version\":1}}");

        await(() -> desired.size() == 2);
        assertThat(desired.get(1)).isEqualTo(new TwinProperties(Map.of("TemperatureThreshold", 35.0), 3));
        assertThat(reads).hasSize(2);
    }

    @Test
    void withoutAConnectionARequestFailsAtOnce() throws Exception {
        connectModule(WAIT);
        broker.stop();
        await(() -> !client.isConnected());

        assertThatThrownBy(() -> twin.reportProperties(Map.of("a", 1.0)).getNow(null))
                .hasMessageContaining("not connected to edgeHub");
    }
}
