package io.eflow.edge.hub.mqtt;

import io.eflow.edge.hub.auth.Credentials;
import io.eflow.edge.hub.message.MessageSource;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ConnectTest extends HeadTestBase {

    @Test
    void aModuleConnectsAsItsIdentity() throws Exception {
        PahoClient filter = filter();

        assertThat(filter.client.isConnected()).isTrue();
        assertThat(hub.linkOf(FILTER)).isNotNull();
        assertThat(hub.events).containsExactly("connected edge1/filter");
        Credentials offered = hub.credentials.get(0);
        assertThat(offered.clientId()).isEqualTo("edge1/filter");
        assertThat(offered.username()).isEqualTo("edge-hub.local/edge1/filter/?api-version=2018-06-30");
        assertThat(offered.password()).contains(FILTER_KEY);
        assertThat(offered.certificates()).isEmpty();
    }

    @Test
    void aDeviceConnectsByItsDeviceId() throws Exception {
        connect(LEAF, LEAF_KEY);

        assertThat(hub.linkOf(LEAF)).isNotNull();
    }

    @Test
    void aWrongKeyIsRefusedWithBadUserNameOrPassword() {
        assertThatThrownBy(() -> connect(FILTER, "wrong"))
                .isInstanceOfSatisfying(MqttException.class, e ->
                        assertThat(e.getReasonCode()).isEqualTo(MqttException.REASON_CODE_FAILED_AUTHENTICATION));
        assertThat(hub.links).isEmpty();
    }

    @Test
    void aRemovedIdentityIsNotAuthorized() {
        hub.removed("old-key");

        assertThatThrownBy(() -> connect(FILTER, "old-key"))
                .isInstanceOfSatisfying(MqttException.class, e ->
                        assertThat(e.getReasonCode()).isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED));
    }

    @Test
    void aClientIdOtherThanTheAuthenticatedIdentityIsRejected() {
        // the sensor's key, but the filter's client id: the client would pass for another module
        assertThatThrownBy(() -> connect(FILTER, SENSOR_KEY))
                .isInstanceOfSatisfying(MqttException.class, e ->
                        assertThat(e.getReasonCode()).isEqualTo(MqttException.REASON_CODE_INVALID_CLIENT_ID));
        assertThat(hub.links).isEmpty();
    }

    @Test
    void mqtt31IsRefusedAsAnUnacceptableProtocolVersion() {
        MqttConnectOptions options = PahoClient.options(FILTER.toString(), FILTER_KEY);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1);

        assertThatThrownBy(() -> track(PahoClient.connect("tcp://127.0.0.1:" + server.port(), FILTER.toString(), options)))
                .isInstanceOfSatisfying(MqttException.class, e ->
                        assertThat(e.getReasonCode()).isEqualTo(MqttException.REASON_CODE_INVALID_PROTOCOL_VERSION));
    }

    @Test
    void mqtt5IsRefusedAsAnUnsupportedProtocolVersion() throws Exception {
        try (RawClient raw = new RawClient(server.port())) {
            assertThat(raw.connect(MqttVersion.MQTT_5, FILTER.toString(), FILTER_KEY, 60)).isEqualTo(0x84);
            assertThat(raw.closedByServer()).isTrue();
        }
        assertThat(hub.credentials).isEmpty();
    }

    @Test
    void aPersistentSessionIsAcceptedButNeverPresent() throws Exception {
        MqttConnectOptions options = PahoClient.options(FILTER.toString(), FILTER_KEY);
        options.setCleanSession(false);
        PahoClient client = track(PahoClient.create("tcp://127.0.0.1:" + server.port(), FILTER.toString()));

        IMqttToken connected = client.client.connect(options);
        connected.waitForCompletion(TestHub.WAIT.toMillis());

        assertThat(connected.getSessionPresent()).isFalse();
    }

    @Test
    void aSecondConnectionOfTheSameClientTakesOver() throws Exception {
        PahoClient first = filter();
        ConnectedClient firstLink = hub.linkOf(FILTER);

        PahoClient second = filter();

        await().atMost(TestHub.WAIT).until(first.lost::isDone);
        await().atMost(TestHub.WAIT).until(() -> hub.events.contains("disconnected edge1/filter"));
        await().atMost(TestHub.WAIT).until(() -> hub.links.get(FILTER) != null && hub.links.get(FILTER) != firstLink);
        assertThat(second.client.isConnected()).isTrue();
        assertThat(firstLink.deliverInput("input1", InputsTest.fromSensor("late"))).failsWithin(TestHub.WAIT);
    }

    @Test
    void theHubMayCloseAConnection() throws Exception {
        PahoClient filter = filter();

        hub.linkOf(FILTER).close("the module was removed");

        await().atMost(TestHub.WAIT).until(filter.lost::isDone);
        await().atMost(TestHub.WAIT).until(() -> hub.events.contains("disconnected edge1/filter"));
    }

    @Test
    void aClientThatDisconnectsIsGoneForTheHub() throws Exception {
        PahoClient filter = filter();
        hub.linkOf(FILTER);

        filter.client.disconnect().waitForCompletion(TestHub.WAIT.toMillis());

        await().atMost(TestHub.WAIT).until(() -> hub.links.isEmpty());
        assertThat(hub.events).containsExactly("connected edge1/filter", "disconnected edge1/filter");
        assertThat(hub.sent).isEmpty();
    }

    @Test
    void aClientThatDropsItsConnectionLeavesItsWillAsTelemetry() throws Exception {
        try (RawClient raw = new RawClient(server.port())) {
            raw.send(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_3_1_1).clientId("edge1/filter")
                    .cleanSession(true).keepAlive(60).hasUser(true).username("u").hasPassword(true)
                    .password(FILTER_KEY.getBytes(StandardCharsets.UTF_8)).willFlag(true).willQoS(MqttQoS.AT_LEAST_ONCE)
                    .willTopic("devices/edge1/modules/filter/messages/events/%24.on=lastWords")
                    .willMessage("gone".getBytes(StandardCharsets.UTF_8)).build());
            hub.linkOf(FILTER);
        }

        TestHub.Sent will = hub.nextSent();
        assertThat(will.from()).isEqualTo(FILTER);
        assertThat(new String(will.message().body(), StandardCharsets.UTF_8)).isEqualTo("gone");
        assertThat(will.message().source()).isEqualTo(MessageSource.module("filter", "lastWords"));
    }

    @Test
    void aWillOnAnotherIdentitysTopicIsNotAuthorized() throws Exception {
        MqttConnectOptions options = PahoClient.options(FILTER.toString(), FILTER_KEY);
        options.setWill("devices/edge1/modules/sensor/messages/events/", "spoof".getBytes(StandardCharsets.UTF_8), 1, false);

        assertThatThrownBy(() -> track(PahoClient.connect("tcp://127.0.0.1:" + server.port(), FILTER.toString(), options)))
                .isInstanceOfSatisfying(MqttException.class, e ->
                        assertThat(e.getReasonCode()).isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED));
        assertThat(hub.sent).isEmpty();
    }

    @Test
    void stoppingTheServerEndsEveryConnection() throws Exception {
        PahoClient filter = filter();
        PahoClient leaf = connect(LEAF, LEAF_KEY);
        hub.linkOf(FILTER);
        hub.linkOf(LEAF);

        server.close();

        await().atMost(TestHub.WAIT).until(() -> filter.lost.isDone() && leaf.lost.isDone());
        assertThat(hub.links).isEmpty();
        assertThat(hub.events).contains("disconnected edge1/filter", "disconnected leaf1");
    }
}
