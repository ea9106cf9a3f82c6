package io.eflow.edge.hub.mqtt;

import io.eflow.edge.hub.message.HubMessage;
import io.eflow.edge.hub.message.MessageSource;
import io.eflow.edge.hub.message.SystemProperties;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Modules and devices sending: what reaches the hub, and when the client hears that it did. */
class TelemetryTest extends HeadTestBase {
    private static final String FILTER_EVENTS = "devices/edge1/modules/filter/messages/events/";
    /** Long enough that a PUBACK the head sent would have reached Paho. */
    private static final Duration NOTHING_HAPPENS = Duration.ofMillis(300);

    @Test
    void aModulesOutputBecomesAHubMessageFromThatOutput() throws Exception {
        PahoClient filter = filter();

        filter.publish(FILTER_EVENTS + "%24.on=output1&%24.ct=application%2Fjson&%24.ce=utf-8&%24.mid=m1"
                + "&temperature=21.5&note=a%2Bb%20c", "{\"t\":21.5}", 1).waitForCompletion(TestHub.WAIT.toMillis());

        TestHub.Sent sent = hub.nextSent();
        HubMessage message = sent.message();
        assertThat(sent.from()).isEqualTo(FILTER);
        assertThat(message.source()).isEqualTo(MessageSource.module("filter", "output1"));
        assertThat(new String(message.body(), StandardCharsets.UTF_8)).isEqualTo("{\"t\":21.5}");
        assertThat(message.systemProperties()).containsOnly(
                Map.entry(SystemProperties.CONTENT_TYPE, "application/json"),
                Map.entry(SystemProperties.CONTENT_ENCODING, "utf-8"),
                Map.entry(SystemProperties.MESSAGE_ID, "m1"),
                Map.entry(SystemProperties.CONNECTION_DEVICE_ID, "edge1"),
                Map.entry(SystemProperties.CONNECTION_MODULE_ID, "filter"));
        assertThat(message.applicationProperties()).containsOnly(
                Map.entry("temperature", "21.5"), Map.entry("note", "a+b c"));
    }

    @Test
    void theConnectionIdsComeFromTheIdentityNeverFromTheBag() throws Exception {
        PahoClient filter = filter();

        filter.publish(FILTER_EVENTS + "%24.cdid=other-device&%24.cmid=sensor", "spoof", 1)
                .waitForCompletion(TestHub.WAIT.toMillis());

        HubMessage message = hub.nextSent().message();
        assertThat(message.systemProperty(SystemProperties.CONNECTION_DEVICE_ID)).isEqualTo("edge1");
        assertThat(message.systemProperty(SystemProperties.CONNECTION_MODULE_ID)).isEqualTo("filter");
    }

    @Test
    void aMessageWithoutOutputNameComesFromTheModule() throws Exception {
        PahoClient filter = filter();

        filter.publish(FILTER_EVENTS, "x", 1).waitForCompletion(TestHub.WAIT.toMillis());
        filter.publish("devices/edge1/modules/filter/messages/events", "y", 1).waitForCompletion(TestHub.WAIT.toMillis());

        assertThat(hub.nextSent().message().source()).isEqualTo(MessageSource.module("filter"));
        assertThat(hub.nextSent().message().source()).isEqualTo(MessageSource.module("filter"));
    }

    @Test
    void aDevicesTelemetryComesFromTheDeviceWithoutModuleId() throws Exception {
        PahoClient leaf = connect(LEAF, LEAF_KEY);

        leaf.publish("devices/leaf1/messages/events/%24.on=ignored&%24.cmid=spoofed&level=3", "{}", 1)
                .waitForCompletion(TestHub.WAIT.toMillis());

        HubMessage message = hub.nextSent().message();
        assertThat(message.source()).isEqualTo(MessageSource.device());
        assertThat(message.systemProperties()).containsOnly(Map.entry(SystemProperties.CONNECTION_DEVICE_ID, "leaf1"));
        assertThat(message.applicationProperties()).containsOnly(Map.entry("level", "3"));
    }

    @Test
    void aRetainedMessageIsMarkedAsIotHubDoes() throws Exception {
        PahoClient filter = filter();
        MqttMessage retained = new MqttMessage(new byte[] {1});
        retained.setQos(1);
        retained.setRetained(true);

        filter.client.publish(FILTER_EVENTS, retained).waitForCompletion(TestHub.WAIT.toMillis());

        assertThat(hub.nextSent().message().applicationProperty("mqtt-retain")).isEqualTo("true");
    }

    @Test
    void thePubackWaitsForTheHubToTakeTheMessage() throws Exception {
        hub.holdMessages();
        PahoClient filter = filter();

        IMqttDeliveryToken token = filter.publish(FILTER_EVENTS, "held", 1);
        TestHub.Sent sent = hub.nextSent();

        await().during(NOTHING_HAPPENS).atMost(TestHub.WAIT).until(() -> !token.isComplete());
        sent.answer().complete(null);
        token.waitForCompletion(TestHub.WAIT.toMillis());
        assertThat(token.getException()).isNull();
    }

    @Test
    void aMessageTheHubDoesNotTakeClosesTheConnectionWithoutPuback() throws Exception {
        hub.holdMessages();
        PahoClient filter = filter();

        IMqttDeliveryToken token = filter.publish(FILTER_EVENTS, "refused", 1);
        hub.nextSent().answer().completeExceptionally(new IllegalStateException("the store is full"));

        await().atMost(TestHub.WAIT).until(filter.lost::isDone);
        assertThat(filter.acknowledged).isEmpty();
        assertThat(token.isComplete() && token.getException() == null).as("acknowledged").isFalse();
        await().atMost(TestHub.WAIT).until(() -> hub.events.contains("disconnected edge1/filter"));
    }

    @Test
    void pubacksFollowThePublishOrderWhateverOrderTheHubFinishesIn() throws Exception {
        hub.holdMessages();
        PahoClient filter = filter();
        IMqttDeliveryToken first = filter.publish(FILTER_EVENTS, "1", 1);
        IMqttDeliveryToken second = filter.publish(FILTER_EVENTS, "2", 1);
        IMqttDeliveryToken third = filter.publish(FILTER_EVENTS, "3", 1);
        TestHub.Sent one = hub.nextSent();
        TestHub.Sent two = hub.nextSent();
        TestHub.Sent three = hub.nextSent();
        assertThat(new String(one.message().body(), StandardCharsets.UTF_8)).isEqualTo("1");

        three.answer().complete(null);
        two.answer().complete(null);
        await().during(NOTHING_HAPPENS).atMost(TestHub.WAIT).until(() -> filter.acknowledged.isEmpty());
        one.answer().complete(null);

        await().atMost(TestHub.WAIT).until(() -> filter.acknowledged.size() == 3);
        assertThat(filter.acknowledged).containsExactly(first.getMessageId(), second.getMessageId(), third.getMessageId());
    }

    @Test
    void atQos0TheClientDoesNotWaitForTheHub() throws Exception {
        hub.holdMessages();
        PahoClient filter = filter();

        filter.publish(FILTER_EVENTS, "fire and forget", 0).waitForCompletion(TestHub.WAIT.toMillis());
        TestHub.Sent sent = hub.nextSent();
        sent.answer().completeExceptionally(new IllegalStateException("lost"));

        await().during(NOTHING_HAPPENS).atMost(TestHub.WAIT).until(() -> filter.client.isConnected());
    }

    @Test
    void publishingOnAnotherModulesTopicEndsTheConnection() throws Exception {
        PahoClient filter = filter();

        filter.publish("devices/edge1/modules/sensor/messages/events/%24.on=temperatureOutput", "forged", 1);

        await().atMost(TestHub.WAIT).until(filter.lost::isDone);
        assertThat(hub.sent).isEmpty();
        assertThat(filter.acknowledged).isEmpty();
    }

    @Test
    void publishingOnAnotherDevicesTopicEndsTheConnection() throws Exception {
        PahoClient leaf = connect(LEAF, LEAF_KEY);

        leaf.publish("devices/edge1/messages/events/", "forged", 0);

        await().atMost(TestHub.WAIT).until(leaf.lost::isDone);
        assertThat(hub.sent).isEmpty();
    }

    @Test
    void aDeviceMayNotPublishAsAModuleOfItself() throws Exception {
        PahoClient leaf = connect(LEAF, LEAF_KEY);

        leaf.publish("devices/leaf1/modules/fake/messages/events/", "forged", 1);

        await().atMost(TestHub.WAIT).until(leaf.lost::isDone);
        assertThat(hub.sent).isEmpty();
    }

    @Test
    void publishingOnATopicTheHubDoesNotKnowEndsTheConnection() throws Exception {
        PahoClient filter = filter();

        filter.publish("devices/edge1/modules/filter/somewhere", "?", 1);

        await().atMost(TestHub.WAIT).until(filter.lost::isDone);
        assertThat(hub.sent).isEmpty();
    }

    @Test
    void qos2EndsTheConnectionAsIotHubDoes() throws Exception {
        PahoClient filter = filter();

        filter.publish(FILTER_EVENTS, "exactly once?", 2);

        await().atMost(TestHub.WAIT).until(filter.lost::isDone);
        assertThat(hub.sent).isEmpty();
    }

    @Test
    void aPacketLargerThanIotHubsLimitEndsTheConnection() throws Exception {
        PahoClient filter = filter();
        filter.publish(FILTER_EVENTS, new byte[200 * 1024], 1).waitForCompletion(TestHub.WAIT.toMillis());
        assertThat(hub.nextSent().message().bodyLength()).isEqualTo(200 * 1024);

        filter.publish(FILTER_EVENTS, new byte[ServerSettings.DEFAULT_MAX_PACKET_SIZE + 1], 1);

        await().atMost(TestHub.WAIT).until(filter.lost::isDone);
        assertThat(hub.sent).isEmpty();
    }
}
