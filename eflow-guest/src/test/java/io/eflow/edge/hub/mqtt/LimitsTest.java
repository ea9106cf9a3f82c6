package io.eflow.edge.hub.mqtt;

import io.netty.handler.codec.mqtt.MqttMessage;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What the head does not let a client do: stay silent, or have more in flight than the window. */
class LimitsTest extends HeadTestBase {
    private static final String FILTER_EVENTS = "devices/edge1/modules/filter/messages/events/";
    private static final Duration NOTHING_HAPPENS = Duration.ofMillis(300);

    @Override
    ServerSettings settings() {
        return ServerSettings.plain("127.0.0.1", 0).withConnectTimeout(Duration.ofMillis(500)).withInFlight(2, 2);
    }

    @Test
    void aClientSilentForOneAndAHalfKeepAlivesIsDisconnected() throws Exception {
        // timed from before the CONNECT is sent: the server's 1.5 keep-alives cannot have begun earlier
        long connecting = System.nanoTime();
        try (RawClient raw = new RawClient(server.port())) {
            assertThat(raw.connect("edge1/filter", FILTER_KEY, 1)).isZero();

            assertThat(raw.closedByServer()).as("closed within the client's read timeout").isTrue();

            // not before one and a half keep-alives; how soon after is bench/responsiveness.sh's figure
            assertThat(Duration.ofNanos(System.nanoTime() - connecting)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
        }
        await().atMost(TestHub.WAIT).until(() -> hub.events.contains("disconnected edge1/filter"));
    }

    @Test
    void aClientThatPingsStaysConnected() throws Exception {
        MqttConnectOptions options = PahoClient.options(FILTER.toString(), FILTER_KEY);
        options.setKeepAliveInterval(1);
        PahoClient filter = track(PahoClient.connect("tcp://127.0.0.1:" + server.port(), FILTER.toString(), options));

        await().during(Duration.ofSeconds(3)).atMost(TestHub.WAIT).until(filter.client::isConnected);
    }

    @Test
    void aConnectionThatSendsNoConnectIsClosed() throws Exception {
        long opening = System.nanoTime();
        try (RawClient raw = new RawClient(server.port())) {
            assertThat(raw.closedByServer()).as("closed within the client's read timeout").isTrue();

            // not before the connect timeout (500 ms) has passed
            assertThat(Duration.ofNanos(System.nanoTime() - opening)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
        }
    }

    @Test
    void anythingButConnectFirstClosesTheConnection() throws Exception {
        try (RawClient raw = new RawClient(server.port())) {
            raw.send(MqttMessage.PINGREQ);

            assertThat(raw.closedByServer()).isTrue();
        }
        assertThat(hub.credentials).isEmpty();
    }

    @Test
    void theHeadStopsTakingPublishesWhileTheHubWorksOnAsManyAsItMay() throws Exception {
        hub.holdMessages();
        PahoClient filter = filter();
        List<IMqttDeliveryToken> tokens = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            tokens.add(filter.publish(FILTER_EVENTS, "m" + i, 1));
        }

        List<TestHub.Sent> first = List.of(hub.nextSent(), hub.nextSent());
        await().during(NOTHING_HAPPENS).atMost(TestHub.WAIT).until(hub.sent::isEmpty);
        first.forEach(sent -> sent.answer().complete(null));
        for (int i = 2; i < 6; i++) {
            TestHub.Sent next = hub.nextSent();
            assertThat(new String(next.message().body())).isEqualTo("m" + i);
            next.answer().complete(null);
        }

        // Paho tells of each PUBACK on its callback thread, a moment after the token completes
        await().atMost(TestHub.WAIT).until(() -> filter.acknowledged.size() == tokens.size());
        assertThat(filter.acknowledged).containsExactlyElementsOf(tokens.stream().map(IMqttDeliveryToken::getMessageId).toList());
    }

    @Test
    void messagesBeyondTheOutboundWindowWaitForAcknowledgements() throws Exception {
        PahoClient filter = filter();
        filter.client.setManualAcks(true);
        filter.subscribe("devices/edge1/modules/filter/inputs/#", 1);
        ConnectedClient link = hub.subscribedLink(FILTER, Subscription.INPUTS);
        List<CompletableFuture<Void>> deliveries = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            deliveries.add(link.deliverInput("input1", InputsTest.fromSensor("m" + i)));
        }

        PahoClient.Received m0 = filter.next();
        PahoClient.Received m1 = filter.next();
        await().during(NOTHING_HAPPENS).atMost(TestHub.WAIT).until(filter.received::isEmpty);
        assertThat(List.of(m0.body(), m1.body())).containsExactly("m0", "m1");

        filter.client.messageArrivedComplete(m0.message().getId(), 1);
        assertThat(deliveries.get(0)).succeedsWithin(TestHub.WAIT);
        PahoClient.Received m2 = filter.next();
        assertThat(m2.body()).isEqualTo("m2");
        assertThat(deliveries.get(1)).isNotDone();

        filter.client.messageArrivedComplete(m1.message().getId(), 1);
        filter.client.messageArrivedComplete(m2.message().getId(), 1);
        for (int i = 3; i < 5; i++) {
            PahoClient.Received next = filter.next();
            assertThat(next.body()).isEqualTo("m" + i);
            filter.client.messageArrivedComplete(next.message().getId(), 1);
        }
        for (CompletableFuture<Void> delivery : deliveries) {
            assertThat(delivery).succeedsWithin(TestHub.WAIT);
        }
    }
}
