package io.eflow.edge.hub.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eflow.contract.iothub.ConnectionString;
import io.eflow.contract.iothub.SasToken;
import io.eflow.edge.hub.message.HubMessage;
import io.eflow.edge.hub.message.MessageSource;
import io.eflow.edge.hub.store.LogMessageStore;
import io.eflow.edge.hub.store.StoreConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.eflow.edge.hub.upstream.Events.DEVICE;
import static io.eflow.edge.hub.upstream.Events.FILTER;
import static io.eflow.edge.hub.upstream.Events.append;
import static io.eflow.edge.hub.upstream.Events.firstOccurrences;
import static io.eflow.edge.hub.upstream.Events.range;
import static io.eflow.edge.hub.upstream.Events.upstream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The link in IoT Hub mode, and over TLS. IoT Hub's login is checked on a recording MQTT server (no local broker can
 * check a SAS token); events, TLS and the twin go through mosquitto, with the test playing IoT Hub's twin service.
 */
class IotHubUpstreamTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String HUB = "myhub.azure-devices.net";
    private static final String KEY = Base64.getEncoder().encodeToString(
            "a device key of thirty-two bytes".getBytes(StandardCharsets.US_ASCII));
    private static final ConnectionString CONNECTION = ConnectionString.parse(
            "HostName=" + HUB + ";DeviceId=" + DEVICE + ";SharedAccessKey=" + KEY);
    private static final UpstreamOptions QUICK = UpstreamOptions.defaults()
            .withBackoff(Duration.ofMillis(100), Duration.ofMillis(500));
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final AutoCloseables open = new AutoCloseables();

    @AfterEach
    void closeAll() throws Exception {
        open.close();
    }

    @Test
    void logsInAsIotHubExpectsAndAsksForTheTwin() throws Exception {
        MqttRecorder hub = open.add(new MqttRecorder());
        LogMessageStore store = open.add(LogMessageStore.open(StoreConfig.in(dir.resolve("store"))));
        UpstreamSettings settings = UpstreamSettings.iotHub(CONNECTION, URI.create("mqtt://127.0.0.1:" + hub.port()),
                Optional.empty());
        open.add(UpstreamConnector.start(store, settings, QUICK, json -> { }));
        append(store, 0, 3);

        await().atMost(WAIT).until(() -> Events.numbers(topics(hub)).size() == 3);
        MqttRecorder.Connect connect = hub.connects().get(0);
        assertThat(connect.clientId()).isEqualTo(DEVICE);
        assertThat(connect.username()).isEqualTo(HUB + "/" + DEVICE + "/?api-version=2021-04-12");
        SasToken token = SasToken.parse(connect.password());
        assertThat(token.resource()).isEqualTo(HUB + "/devices/" + DEVICE);
        assertThat(token.signedWith(KEY)).isTrue();
        assertThat(token.signedWith(Base64.getEncoder().encodeToString(new byte[32]))).isFalse();
        assertThat(token.expiry()).isBetween(Instant.now().plus(Duration.ofMinutes(58)), Instant.now().plus(Duration.ofMinutes(61)));

        assertThat(hub.subscriptions()).contains("$iothub/twin/res/#", "$iothub/twin/PATCH/properties/desired/#");
        assertThat(topics(hub)).contains("$iothub/twin/GET/?$rid=1");
        assertThat(topics(hub)).filteredOn(t -> t.startsWith("devices/"))
                .allMatch(t -> t.startsWith("devices/" + DEVICE + "/messages/events/"));
    }

    @Test
    void anEdgeDeviceSendsEachModulesMessagesAsThatModuleAndTheRestAsItsHub() throws Exception {
        MqttRecorder hub = open.add(new MqttRecorder());
        LogMessageStore store = open.add(LogMessageStore.open(StoreConfig.in(dir.resolve("store"))));
        String sensorKey = Base64.getEncoder().encodeToString("sensor's key of thirty-two bytes".getBytes(StandardCharsets.US_ASCII));
        String hubKey = Base64.getEncoder().encodeToString("edgeHub key of thirty-two bytes!".getBytes(StandardCharsets.US_ASCII));
        UpstreamSettings settings = new UpstreamSettings.IotHubModules(HUB, DEVICE, KEY,
                module -> module.equals("sensor") ? sensorKey : hubKey, () -> Set.of("sensor"),
                URI.create("mqtt://127.0.0.1:" + hub.port()), Optional.empty(), Duration.ofHours(1));
        open.add(UpstreamConnector.start(store, settings, QUICK, json -> { }));
        append(store, 0, 3);
        append(store, new HubMessage("from a host application".getBytes(StandardCharsets.UTF_8), Map.of(),
                Map.of("n", "3"), MessageSource.module("hostApp", "readings"))).join();
        append(store, 4, 6);

        await().atMost(WAIT).until(() -> Events.numbers(topics(hub)).size() == 6);
        List<String> topics = topics(hub).stream().filter(t -> t.startsWith("devices/")).toList();
        // in store order per identity: each is a connection of its own, as IoT Hub sees it
        assertThat(Events.numbers(topics.stream().filter(t -> t.contains("/modules/sensor/")).toList()))
                .isEqualTo(List.of(0, 1, 2, 4, 5));
        assertThat(topics).filteredOn(t -> Events.number(t) != 3)
                .allMatch(t -> t.startsWith("devices/" + DEVICE + "/modules/sensor/messages/events/"))
                .allMatch(t -> t.contains("%24.cmid=sensor") && t.contains("$.on=out"));
        assertThat(topics).filteredOn(t -> Events.number(t) == 3).singleElement().asString()
                .startsWith("devices/" + DEVICE + "/modules/$edgeHub/messages/events/").contains("%24.cmid=hostApp");
        await().atMost(WAIT).until(() -> hub.connects().size() == 3);
        assertThat(hub.connects()).extracting(MqttRecorder.Connect::clientId)
                .containsExactlyInAnyOrder(DEVICE + "/$edgeHub", DEVICE + "/sensor", DEVICE);
        for (MqttRecorder.Connect connect : hub.connects()) {
            if (connect.clientId().equals(DEVICE)) {
                // the device itself, for its cloud-to-device messages, which IoT Hub sends no module
                assertThat(connect.username()).isEqualTo(HUB + "/" + DEVICE + "/?api-version=2021-04-12");
                SasToken token = SasToken.parse(connect.password());
                assertThat(token.resource()).isEqualTo(HUB + "/devices/" + DEVICE);
                assertThat(token.signedWith(KEY)).isTrue();
                continue;
            }
            String module = connect.clientId().substring(DEVICE.length() + 1);
            assertThat(connect.username()).isEqualTo(HUB + "/" + DEVICE + "/" + module + "/?api-version=2021-04-12");
            SasToken token = SasToken.parse(connect.password());
            assertThat(token.resource()).isEqualTo(HUB + "/devices/" + DEVICE + "/modules/" + module);
            assertThat(token.signedWith(module.equals("sensor") ? sensorKey : hubKey)).isTrue();
        }
        // $edgeHub's twin (its routes) is followed on $edgeHub's connection, the only one IoT Hub allows it; each
        // module's connection takes the module's direct methods and follows the module's twin
        assertThat(hub.subscriptions()).containsExactlyInAnyOrder("$iothub/twin/res/#", "$iothub/twin/PATCH/properties/desired/#",
                "$iothub/methods/POST/#", "$iothub/twin/res/#", "$iothub/twin/PATCH/properties/desired/#",
                "devices/" + DEVICE + "/messages/devicebound/#");
    }

    @Test
    void aMessageOverIotHubsLimitIsDroppedAndCountedInsteadOfCostingTheConnection() throws Exception {
        MqttRecorder hub = open.add(new MqttRecorder());
        LogMessageStore store = open.add(LogMessageStore.open(StoreConfig.in(dir.resolve("store"))));
        UpstreamConnector connector = open.add(UpstreamConnector.start(store, UpstreamSettings.iotHub(CONNECTION,
                URI.create("mqtt://127.0.0.1:" + hub.port()), Optional.empty()), QUICK, json -> { }));
        append(store, 0, 1);
        append(store, new HubMessage(new byte[256 * 1024], Map.of(), Map.of(), MessageSource.device())).join();
        append(store, 1, 2);

        await().atMost(WAIT).until(() -> upstream(store).queueLength() == 0);
        assertThat(Events.numbers(topics(hub))).isEqualTo(range(0, 2));
        assertThat(connector.status().unsendable()).isEqualTo(1);
        assertThat(hub.connects()).hasSize(1);
    }

    @Test
    void theTokenIsRenewedByAnOrderlyReconnectBeforeItExpires() throws Exception {
        MqttRecorder hub = open.add(new MqttRecorder());
        LogMessageStore store = open.add(LogMessageStore.open(StoreConfig.in(dir.resolve("store"))));
        UpstreamSettings settings = UpstreamSettings.iotHub(CONNECTION, URI.create("mqtt://127.0.0.1:" + hub.port()),
                Optional.empty()).withTokenLifetime(Duration.ofSeconds(2));
        UpstreamConnector connector = open.add(UpstreamConnector.start(store, settings, QUICK, json -> { }));
        append(store, 0, 50);
        await().atMost(WAIT).until(() -> hub.connects().size() >= 2);
        append(store, 50, 100);

        await().atMost(WAIT).until(() -> upstream(store).delivered() == 100);
        List<SasToken> tokens = hub.connects().stream().map(c -> SasToken.parse(c.password())).toList();
        assertThat(tokens).allMatch(t -> t.signedWith(KEY));
        assertThat(tokens.get(1).expiry()).isAfter(tokens.get(0).expiry());
        assertThat(hub.disconnects()).as("the old connection ended with a DISCONNECT").isGreaterThanOrEqualTo(1);
        assertThat(firstOccurrences(Events.numbers(topics(hub)))).isEqualTo(range(0, 100));
        assertThat(connector.status().reconnects()).as("a renewal is no outage").isZero();
    }

    @Test
    void aPublishLeftWithoutItsPubackIsSentAgainOnANewConnection() throws Exception {
        MqttRecorder hub = open.add(new MqttRecorder());
        hub.acknowledge(false);
        LogMessageStore store = open.add(LogMessageStore.open(StoreConfig.in(dir.resolve("store"))));
        UpstreamSettings settings = UpstreamSettings.iotHub(CONNECTION, URI.create("mqtt://127.0.0.1:" + hub.port()),
                Optional.empty());
        UpstreamConnector connector = open.add(UpstreamConnector.start(store, settings,
                QUICK.withAckTimeout(Duration.ofSeconds(1)), json -> { }));
        append(store, 0, 10);

        await().atMost(WAIT).until(() -> Events.numbers(topics(hub)).size() == 10);
        assertThat(upstream(store).delivered()).as("no PUBACK, no acknowledgement").isZero();
        assertThat(connector.status().sent()).isZero();
        await().atMost(WAIT).until(() -> hub.connects().size() >= 2);
        assertThat(connector.status().lastError()).hasValueSatisfying(e -> assertThat(e).contains("no PUBACK"));

        hub.acknowledge(true);
        await().atMost(WAIT).until(() -> upstream(store).delivered() == 10);
        List<Integer> numbers = Events.numbers(topics(hub));
        assertThat(numbers.size()).as("each sent again").isGreaterThanOrEqualTo(20);
        assertThat(firstOccurrences(numbers)).isEqualTo(range(0, 10));
    }

    @Test
    void iotHubModeOverTlsToABrokerWithATestCa() throws Exception {
        TestCa ca = TestCa.create(dir.resolve("ca"));
        Mosquitto broker = open.add(Mosquitto.withTls(dir.resolve("broker"), ca));
        Subscriber far = open.add(Subscriber.on(broker, FILTER));
        LogMessageStore store = open.add(LogMessageStore.open(StoreConfig.in(dir.resolve("store"))));
        UpstreamSettings settings = UpstreamSettings.iotHub(CONNECTION,
                URI.create("mqtts://127.0.0.1:" + broker.tlsPort()), Optional.of(ca.socketFactory()));
        UpstreamConnector connector = open.add(UpstreamConnector.start(store, settings, QUICK, json -> { }));
        append(store, 0, 20);

        assertThat(far.await(20, WAIT)).isTrue();
        assertThat(Events.numbers(topics(far))).isEqualTo(range(0, 20));
        assertThat(connector.status().endpoint()).isEqualTo(URI.create("mqtts://127.0.0.1:" + broker.tlsPort()));
        assertThat(connector.status().connected()).isTrue();
    }

    @Test
    void aBrokerUriNamesTheCaToTrustAndAnUntrustedServerIsReported() throws Exception {
        TestCa ca = TestCa.create(dir.resolve("ca"));
        Mosquitto broker = open.add(Mosquitto.withTls(dir.resolve("broker"), ca));
        Subscriber far = open.add(Subscriber.on(broker, FILTER));
        LogMessageStore trusting = open.add(LogMessageStore.open(StoreConfig.in(dir.resolve("trusting"))));
        LogMessageStore doubting = open.add(LogMessageStore.open(StoreConfig.in(dir.resolve("doubting"))));
        String uri = "mqtts://127.0.0.1:" + broker.tlsPort();

        open.add(UpstreamConnector.start(trusting,
                UpstreamSettings.parse(uri + "?ca=" + ca.caFile(), Optional.of(DEVICE)), QUICK, json -> { }));
        append(trusting, 0, 5);
        assertThat(far.await(5, WAIT)).isTrue();
        assertThat(Events.numbers(topics(far))).isEqualTo(range(0, 5));

        // the JVM's CAs do not include the test CA
        UpstreamConnector doubtful = open.add(UpstreamConnector.start(doubting,
                UpstreamSettings.parse(uri, Optional.of("other-device")), QUICK, json -> { }));
        append(doubting, 100, 101);
        await().atMost(WAIT).until(() -> doubtful.status().lastError().isPresent());
        UpstreamStatus status = doubtful.status();
        assertThat(status.connected()).isFalse();
        assertThat(status.lastError().get()).startsWith("cannot connect to " + uri).containsIgnoringCase("certification path");
        assertThat(status.backlog()).isEqualTo(1);
        assertThat(status.sent()).isZero();
    }

    @Test
    void desiredPropertiesReachOnDesiredAsTheWholeDocumentEachTime() throws Exception {
        Mosquitto broker = open.add(Mosquitto.start(dir.resolve("broker")));
        Subscriber twinService = open.add(Subscriber.on(broker, "$iothub/twin/GET/#"));
        LogMessageStore store = open.add(LogMessageStore.open(StoreConfig.in(dir.resolve("store"))));
        List<JsonNode> desired = new CopyOnWriteArrayList<>();
        open.add(UpstreamConnector.start(store, UpstreamSettings.iotHub(CONNECTION,
                URI.create("mqtt://127.0.0.1:" + broker.port()), Optional.empty()), QUICK, desired::add));

        assertThat(twinService.await(1, WAIT)).isTrue();
        String request = twinService.received().get(0).topic();
        assertThat(request).startsWith("$iothub/twin/GET/?$rid=");
        String rid = request.substring(request.indexOf("$rid=") + 5);
        twinService.publish("$iothub/twin/res/200/?$rid=" + rid,
                "{\"desired\":{\"$version\":1,\"schemaVersion\":\"1.1\",\"stale\":true},\"reported\":{\"$version\":1}}");
        await().atMost(WAIT).until(() -> desired.size() == 1);
        assertThat(desired.get(0)).isEqualTo(JSON.readTree("{\"$version\":1,\"schemaVersion\":\"1.1\",\"stale\":true}"));

        twinService.publish("$iothub/twin/PATCH/properties/desired/?$version=2",
                "{\"$version\":2,\"stale\":null,\"modulesContent\":{\"$edgeAgent\":{\"properties.desired\":{\"schemaVersion\":\"1.1\"}}}}");
        await().atMost(WAIT).until(() -> desired.size() == 2);
        assertThat(desired.get(1)).isEqualTo(JSON.readTree("{\"$version\":2,\"schemaVersion\":\"1.1\","
                + "\"modulesContent\":{\"$edgeAgent\":{\"properties.desired\":{\"schemaVersion\":\"1.1\"}}}}"));
    }

    private static List<String> topics(MqttRecorder hub) {
        return hub.publishes().stream().map(MqttRecorder.Publish::topic).toList();
    }

    private static List<String> topics(Subscriber subscriber) {
        return subscriber.received().stream().map(Subscriber.Received::topic).toList();
    }
}
