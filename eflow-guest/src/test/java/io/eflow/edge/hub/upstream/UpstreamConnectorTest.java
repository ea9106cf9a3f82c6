package io.eflow.edge.hub.upstream;

import io.eflow.edge.hub.message.HubMessage;
import io.eflow.edge.hub.message.MessageSource;
import io.eflow.edge.hub.message.PropertyBag;
import io.eflow.edge.hub.message.SystemProperties;
import io.eflow.edge.hub.store.Destination;
import io.eflow.edge.hub.store.LogMessageStore;
import io.eflow.edge.hub.store.Message;
import io.eflow.edge.hub.store.StoreConfig;
import io.eflow.edge.testing.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.eflow.edge.hub.upstream.Events.DEVICE;
import static io.eflow.edge.hub.upstream.Events.FILTER;
import static io.eflow.edge.hub.upstream.Events.append;
import static io.eflow.edge.hub.upstream.Events.firstOccurrences;
import static io.eflow.edge.hub.upstream.Events.range;
import static io.eflow.edge.hub.upstream.Events.upstream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The upstream link against Debian's mosquitto: what arrives, in what order, through outages. */
class UpstreamConnectorTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Quick reconnects, so an outage test does not wait out a 30 s back-off. */
    private static final UpstreamOptions QUICK = UpstreamOptions.defaults()
            .withBackoff(Duration.ofMillis(100), Duration.ofMillis(500));

    @TempDir
    Path dir;

    private final AutoCloseables open = new AutoCloseables();

    @AfterEach
    void closeAll() throws Exception {
        open.close();
    }

    @Test
    void messagesArriveOnTheEventsTopicWithTheirPropertiesInTheBag() throws Exception {
        Mosquitto broker = open.add(Mosquitto.start(dir.resolve("broker")));
        Subscriber far = open.add(Subscriber.on(broker, FILTER));
        LogMessageStore store = open.add(LogMessageStore.open(StoreConfig.in(dir.resolve("store"))));
        HubMessage fromModule = new HubMessage("{\"temperature\":21.5}".getBytes(StandardCharsets.UTF_8),
                Map.of(SystemProperties.CONTENT_TYPE, "application/json", SystemProperties.CONTENT_ENCODING, "utf-8",
                        SystemProperties.MESSAGE_ID, "m-1", SystemProperties.CORRELATION_ID, "c 1"),
                Map.of("severity", "4", "with space", "a&b=c/d#+"), MessageSource.module("filter", "alerts"));
        HubMessage fromLeaf = new HubMessage(new byte[] {0, 1, 2, (byte) 0xff},
                Map.of(SystemProperties.CONNECTION_DEVICE_ID, "leaf-7"), Map.of(), MessageSource.device());
        append(store, fromModule).join();
        append(store, fromLeaf).join();

        UpstreamConnector connector = open.add(UpstreamConnector.start(store,
                UpstreamSettings.parse("mqtt://127.0.0.1:" + broker.port(), Optional.of(DEVICE)), QUICK, json -> { }));

        assertThat(far.await(2, WAIT)).isTrue();
        List<Subscriber.Received> received = far.received();
        Subscriber.Received first = received.get(0);
        assertThat(first.topic()).startsWith("devices/edge-1/messages/events/").contains("$.on=alerts");
        assertThat(first.body()).isEqualTo("{\"temperature\":21.5}");
        PropertyBag.Properties bag = PropertyBag.decode(first.bag());
        assertThat(bag.system()).containsExactlyInAnyOrderEntriesOf(Map.of(
                SystemProperties.CONTENT_TYPE, "application/json", SystemProperties.CONTENT_ENCODING, "utf-8",
                SystemProperties.MESSAGE_ID, "m-1", SystemProperties.CORRELATION_ID, "c 1",
                SystemProperties.CONNECTION_DEVICE_ID, DEVICE, SystemProperties.CONNECTION_MODULE_ID, "filter"));
        assertThat(bag.application()).containsExactlyInAnyOrderEntriesOf(Map.of("severity", "4", "with space", "a&b=c/d#+"));

        Subscriber.Received second = received.get(1);
        assertThat(second.payload()).containsExactly(0, 1, 2, 0xff);
        assertThat(PropertyBag.decode(second.bag()).system())
                .containsExactlyEntriesOf(Map.of(SystemProperties.CONNECTION_DEVICE_ID, "leaf-7"));
        assertThat(second.topic()).doesNotContain("$.on=");

        await().atMost(WAIT).until(() -> connector.status().sent() == 2);
        UpstreamStatus status = connector.status();
        assertThat(status.connected()).isTrue();
        assertThat(status.endpoint()).isEqualTo(URI.create("mqtt://127.0.0.1:" + broker.port()));
        assertThat(status.disconnectedSince()).isEmpty();
        assertThat(status.backlog()).isZero();
        assertThat(upstream(store).delivered()).isEqualTo(2);
    }

    @Test
    void messagesStoredDuringAnOutageAllArriveInOrderWhenTheBrokerIsBack() throws Exception {
        Mosquitto broker = open.add(Mosquitto.keepingSessions(dir.resolve("broker")));
        Subscriber far = open.add(Subscriber.on(broker, FILTER));
        LogMessageStore store = open.add(LogMessageStore.open(StoreConfig.in(dir.resolve("store"))));
        UpstreamConnector connector = open.add(UpstreamConnector.start(store,
                UpstreamSettings.parse("mqtt://127.0.0.1:" + broker.port(), Optional.of(DEVICE)), QUICK, json -> { }));
        append(store, 0, 100);
        assertThat(far.await(100, WAIT)).isTrue();

        broker.stop();
        await().atMost(WAIT).until(() -> !connector.status().connected());
        append(store, 100, 600);
        UpstreamStatus down = connector.status();
        assertThat(down.connected()).isFalse();
        assertThat(down.disconnectedSince()).isPresent();
        // the loss itself, or (once a quick retry has run on a loaded machine) the refused reconnect after it
        assertThat(down.lastError()).hasValueSatisfying(error -> assertThat(error).containsAnyOf("lost", "cannot connect"));
        assertThat(down.backlog()).isEqualTo(500);
        assertThat(upstream(store).queueLength()).isEqualTo(500);
        Thread.sleep(300);
        assertThat(connector.status().sent()).isEqualTo(100);

        broker.start();
        far.reconnect();
        await().atMost(WAIT).until(() -> firstOccurrences(Events.numbers(topics(far))).size() == 600);
        assertThat(firstOccurrences(Events.numbers(topics(far)))).isEqualTo(range(0, 600));
        await().atMost(WAIT).until(() -> connector.status().backlog() == 0);
        UpstreamStatus up = connector.status();
        assertThat(up.connected()).isTrue();
        assertThat(up.disconnectedSince()).isEmpty();
        assertThat(up.reconnects()).isGreaterThanOrEqualTo(1);
        assertThat(up.sent()).isEqualTo(600);
        assertThat(up.lastError()).as("the outage's cause stays readable").isPresent();
    }

    @Test
    void anOutageInTheMiddleOfABacklogLosesNothingAndKeepsOrder() throws Exception {
        Mosquitto broker = open.add(Mosquitto.keepingSessions(dir.resolve("broker")));
        Subscriber far = open.add(Subscriber.on(broker, FILTER));
        LogMessageStore store = open.add(LogMessageStore.open(StoreConfig.in(dir.resolve("store"))));
        append(store, 0, 10000);
        UpstreamConnector connector = open.add(UpstreamConnector.start(store,
                UpstreamSettings.parse("mqtt://127.0.0.1:" + broker.port(), Optional.of(DEVICE)),
                QUICK.withWindow(50), json -> { }));

        await().atMost(WAIT).pollInterval(Duration.ofMillis(2)).until(() -> far.count() >= 300);
        // sent but not yet acknowledged just before the outage (sent read first, so this never counts too many)
        long inFlight = connector.status().sent() - upstream(store).delivered();
        broker.stop();
        broker.start();
        far.reconnect();

        await().atMost(WAIT).until(() -> upstream(store).queueLength() == 0);
        await().atMost(WAIT).until(() -> firstOccurrences(Events.numbers(topics(far))).size() == 10000);
        assertThat(firstOccurrences(Events.numbers(topics(far)))).isEqualTo(range(0, 10000));
        assertThat(upstream(store).delivered()).isEqualTo(10000);
        assertThat(connector.status().sent()).isEqualTo(10000);
        if (inFlight > 0) {
            // on a loaded machine the window can be all acknowledged when the broker stops: then nothing is resent
            assertThat(upstream(store).redelivered()).as("the outage caught publishes in flight, handed back and resent")
                    .isPositive();
        }
    }

    @Test
    void aMessageIsAcknowledgedInTheStoreOnlyWhenTheBrokersPubackArrives() throws Exception {
        Mosquitto broker = open.add(Mosquitto.keepingSessions(dir.resolve("broker")));
        Subscriber far = open.add(Subscriber.on(broker, FILTER));
        LogMessageStore store = open.add(LogMessageStore.open(StoreConfig.in(dir.resolve("store"))));
        UpstreamConnector connector = open.add(UpstreamConnector.start(store,
                UpstreamSettings.parse("mqtt://127.0.0.1:" + broker.port(), Optional.of(DEVICE)),
                QUICK.withAckTimeout(Duration.ofSeconds(60)), json -> { }));
        append(store, 0, 5);
        assertThat(far.await(5, WAIT)).isTrue();
        await().atMost(WAIT).until(() -> upstream(store).delivered() == 5);
        // the broker saves its sessions every second; the subscriber's must be on disk before the broker is killed
        Thread.sleep(1500);

        broker.freeze();
        append(store, 5, 15);
        await().atMost(WAIT).until(() -> upstream(store).inFlight() == 10);
        Thread.sleep(500);
        assertThat(upstream(store).delivered()).as("published, but no PUBACK came").isEqualTo(5);
        assertThat(connector.status().sent()).isEqualTo(5);

        broker.kill();
        await().atMost(WAIT).until(() -> !connector.status().connected());
        await().atMost(WAIT).until(() -> upstream(store).inFlight() == 0);
        assertThat(upstream(store).queueLength()).as("handed back to the store, not dropped").isEqualTo(10);

        broker.start();
        far.reconnect();
        await().atMost(WAIT).until(() -> upstream(store).delivered() == 15);
        await().atMost(WAIT).until(() -> firstOccurrences(Events.numbers(topics(far))).size() == 15);
        assertThat(firstOccurrences(Events.numbers(topics(far)))).isEqualTo(range(0, 15));
        assertThat(upstream(store).redelivered()).isGreaterThanOrEqualTo(10);
    }

    @Test
    void messagesPastTheirTimeToLiveAreDroppedByTheStoreAndCountedNotSent() throws Exception {
        Mosquitto broker = open.add(Mosquitto.keepingSessions(dir.resolve("broker")));
        Subscriber far = open.add(Subscriber.on(broker, FILTER));
        TestClock clock = new TestClock(Instant.parse("2024-05-01T12:00:00Z"));
        LogMessageStore store = open.add(LogMessageStore.open(StoreConfig.in(dir.resolve("store"))
                .withTimeToLive(Duration.ofSeconds(60)).withClock(clock)));
        UpstreamConnector connector = open.add(UpstreamConnector.start(store,
                UpstreamSettings.parse("mqtt://127.0.0.1:" + broker.port(), Optional.of(DEVICE)), QUICK, json -> { }));
        await().atMost(WAIT).until(() -> connector.status().connected());

        broker.stop();
        await().atMost(WAIT).until(() -> !connector.status().connected());
        append(store, 0, 10);
        clock.advance(Duration.ofSeconds(61));
        append(store, 10, 15);
        broker.start();
        far.reconnect();

        await().atMost(WAIT).until(() -> upstream(store).queueLength() == 0);
        assertThat(far.await(5, WAIT)).isTrue();
        Thread.sleep(300);
        assertThat(Events.numbers(topics(far))).isEqualTo(range(10, 15));
        assertThat(upstream(store).expired()).isEqualTo(10);
        UpstreamStatus status = connector.status();
        assertThat(status.expired()).isEqualTo(10);
        assertThat(status.sent()).isEqualTo(5);
    }

    @Test
    void messagesNoEndpointCouldTakeAreDroppedCountedAndDoNotHoldUpTheRest() throws Exception {
        Mosquitto broker = open.add(Mosquitto.start(dir.resolve("broker")));
        Subscriber far = open.add(Subscriber.on(broker, FILTER));
        LogMessageStore store = open.add(LogMessageStore.open(StoreConfig.in(dir.resolve("store"))));
        append(store, 0, 1);
        store.append(new Message("sensor/out", new byte[] {9, 9, 9}), List.of(Destination.of(UpstreamConnector.ENDPOINT))).join();
        append(store, 1, 2);
        append(store, new HubMessage(new byte[1], Map.of(), Map.of("long", "x".repeat(70_000)), MessageSource.device())).join();
        append(store, 2, 3);
        UpstreamConnector connector = open.add(UpstreamConnector.start(store,
                UpstreamSettings.parse("mqtt://127.0.0.1:" + broker.port(), Optional.of(DEVICE)), QUICK, json -> { }));

        assertThat(far.await(3, WAIT)).isTrue();
        assertThat(Events.numbers(topics(far))).isEqualTo(range(0, 3));
        await().atMost(WAIT).until(() -> connector.status().backlog() == 0);
        assertThat(connector.status().unsendable()).isEqualTo(2);
        assertThat(connector.status().sent()).isEqualTo(3);
        assertThat(connector.status().reconnects()).isZero();
    }

    @Test
    void closingHandsWhatWasNotSentBackToTheStore() throws Exception {
        Mosquitto broker = open.add(Mosquitto.start(dir.resolve("broker")));
        LogMessageStore store = open.add(LogMessageStore.open(StoreConfig.in(dir.resolve("store"))));
        UpstreamSettings settings = UpstreamSettings.parse("mqtt://127.0.0.1:" + broker.port(), Optional.of(DEVICE));
        UpstreamConnector first = open.add(UpstreamConnector.start(store, settings, QUICK, json -> { }));
        await().atMost(WAIT).until(() -> first.status().connected());
        broker.freeze();
        append(store, 0, 20);
        await().atMost(WAIT).until(() -> upstream(store).inFlight() == 20);

        first.close();
        assertThat(upstream(store).inFlight()).isZero();
        assertThat(upstream(store).queueLength()).isEqualTo(20);

        broker.kill();
        broker.start();
        Subscriber far = open.add(Subscriber.on(broker, FILTER));
        open.add(UpstreamConnector.start(store, settings, QUICK, json -> { }));
        await().atMost(WAIT).until(() -> firstOccurrences(Events.numbers(topics(far))).size() == 20);
        assertThat(firstOccurrences(Events.numbers(topics(far)))).isEqualTo(range(0, 20));
    }

    private static List<String> topics(Subscriber subscriber) {
        return subscriber.received().stream().map(Subscriber.Received::topic).toList();
    }
}
