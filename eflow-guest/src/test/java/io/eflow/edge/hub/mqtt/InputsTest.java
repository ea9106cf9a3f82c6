package io.eflow.edge.hub.mqtt;

import io.eflow.edge.hub.message.HubMessage;
import io.eflow.edge.hub.message.MessageSource;
import io.eflow.edge.hub.message.PropertyBag;
import io.eflow.edge.hub.message.SystemProperties;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The hub sending to a module's inputs: subscriptions, the topic and its bag, and acknowledgement. */
class InputsTest extends HeadTestBase {
    private static final String FILTER_INPUTS = "devices/edge1/modules/filter/inputs/#";
    private static final Duration NOTHING_HAPPENS = Duration.ofMillis(300);

    static HubMessage fromSensor(String body) {
        return new HubMessage(body.getBytes(StandardCharsets.UTF_8),
                Map.of(SystemProperties.MESSAGE_ID, "m1", SystemProperties.CONTENT_TYPE, "application/json",
                        SystemProperties.CONNECTION_DEVICE_ID, "edge1", SystemProperties.CONNECTION_MODULE_ID, "sensor"),
                Map.of("alert", "high temperature"), MessageSource.module("sensor", "temperatureOutput"));
    }

    @Test
    void aModuleSubscribesToItsOwnInputs() throws Exception {
        PahoClient filter = filter();

        assertThat(filter.subscribe(FILTER_INPUTS, 1)).isEqualTo(1);

        ConnectedClient link = hub.subscribedLink(FILTER, Subscription.INPUTS);
        assertThat(link.isSubscribed(Subscription.METHODS)).isFalse();
        await().atMost(TestHub.WAIT).until(() -> hub.events.size() == 2);
        assertThat(hub.events).containsExactly("connected edge1/filter", "subscribed edge1/filter INPUTS");
    }

    @Test
    void aQos2SubscriptionIsGrantedQos1() throws Exception {
        PahoClient filter = filter();

        assertThat(filter.subscribe(FILTER_INPUTS, 2)).isEqualTo(1);
    }

    @Test
    void anotherModulesInputsAndOtherFiltersAreRefused() throws Exception {
        PahoClient filter = filter();

        assertThat(filter.subscribe("devices/edge1/modules/sensor/inputs/#", 1)).isEqualTo(0x80);
        assertThat(filter.subscribe("devices/edge1/modules/+/inputs/#", 1)).isEqualTo(0x80);
        assertThat(filter.subscribe("#", 1)).isEqualTo(0x80);
        assertThat(filter.subscribe("devices/edge1/modules/filter/messages/events/#", 1)).isEqualTo(0x80);

        assertThat(filter.client.isConnected()).isTrue();
        assertThat(hub.events).containsExactly("connected edge1/filter");
    }

    @Test
    void aDeviceHasNoInputsToSubscribeTo() throws Exception {
        PahoClient leaf = connect(LEAF, LEAF_KEY);

        assertThat(leaf.subscribe("devices/leaf1/inputs/#", 1)).isEqualTo(0x80);
        assertThat(leaf.subscribe("devices/leaf1/modules/leaf1/inputs/#", 1)).isEqualTo(0x80);
    }

    @Test
    void aMessageForAnInputReachesTheModuleWithItsPropertiesInTheTopic() throws Exception {
        PahoClient filter = filter();
        filter.subscribe(FILTER_INPUTS, 1);
        ConnectedClient link = hub.subscribedLink(FILTER, Subscription.INPUTS);

        CompletableFuture<Void> acknowledged = link.deliverInput("input1", fromSensor("{\"t\":30}"));

        PahoClient.Received received = filter.next();
        String prefix = "devices/edge1/modules/filter/inputs/input1/";
        assertThat(received.topic()).startsWith(prefix);
        assertThat(received.message().getQos()).isEqualTo(1);
        assertThat(received.body()).isEqualTo("{\"t\":30}");
        PropertyBag.Properties bag = PropertyBag.decode(received.topic().substring(prefix.length()));
        assertThat(bag.system()).containsOnly(
                Map.entry(SystemProperties.MESSAGE_ID, "m1"),
                Map.entry(SystemProperties.CONTENT_TYPE, "application/json"),
                Map.entry(SystemProperties.CONNECTION_DEVICE_ID, "edge1"),
                Map.entry(SystemProperties.CONNECTION_MODULE_ID, "sensor"));
        assertThat(bag.application()).containsOnly(Map.entry("alert", "high temperature"));
        assertThat(acknowledged).succeedsWithin(TestHub.WAIT);
    }

    @Test
    void theInputTopicHasTheShapeTheSdksParse() throws Exception {
        PahoClient filter = filter();
        filter.subscribe(FILTER_INPUTS, 1);
        ConnectedClient link = hub.subscribedLink(FILTER, Subscription.INPUTS);
        HubMessage slashes = new HubMessage(new byte[0], fromSensor("").systemProperties(),
                Map.of("path", "a/b/", "sum", "1+1=2"), MessageSource.module("sensor", "out"));

        link.deliverInput("input1", slashes);

        // the Node SDK reads the input at level 6 and the bag at level 7; the Java SDK starts the bag at the topic's
        // first "%24" (an escaped system key) and reads the input before it, and needs '=' in every pair
        String topic = filter.next().topic();
        assertThat(topic.split("/", -1)).hasSize(7);
        assertThat(topic.split("/")[5]).isEqualTo("input1");
        assertThat(topic).startsWith("devices/edge1/modules/filter/inputs/input1/%24.");
        assertThat(topic.substring(topic.lastIndexOf('/') + 1).split("&")).allMatch(pair -> pair.contains("="))
                .contains("path=a%2Fb%2F", "sum=1%2B1%3D2");
    }

    @Test
    void theDeliveryCompletesOnlyWhenTheModuleAcknowledges() throws Exception {
        PahoClient filter = filter();
        filter.client.setManualAcks(true);
        filter.subscribe(FILTER_INPUTS, 1);
        ConnectedClient link = hub.subscribedLink(FILTER, Subscription.INPUTS);

        CompletableFuture<Void> acknowledged = link.deliverInput("input1", fromSensor("1"));
        PahoClient.Received received = filter.next();

        await().during(NOTHING_HAPPENS).atMost(TestHub.WAIT).until(() -> !acknowledged.isDone());
        filter.client.messageArrivedComplete(received.message().getId(), received.message().getQos());
        assertThat(acknowledged).succeedsWithin(TestHub.WAIT);
    }

    @Test
    void aDeliveryFailsWhenTheConnectionEndsBeforeTheAcknowledgement() throws Exception {
        PahoClient filter = filter();
        filter.client.setManualAcks(true);
        filter.subscribe(FILTER_INPUTS, 1);
        ConnectedClient link = hub.subscribedLink(FILTER, Subscription.INPUTS);
        CompletableFuture<Void> acknowledged = link.deliverInput("input1", fromSensor("1"));
        filter.next();

        filter.client.disconnectForcibly(0, 1000, false);

        assertThat(acknowledged).failsWithin(TestHub.WAIT).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(ConnectionClosedException.class);
        assertThat(link.deliverInput("input1", fromSensor("2"))).failsWithin(TestHub.WAIT)
                .withThrowableOfType(ExecutionException.class).withCauseInstanceOf(ConnectionClosedException.class);
    }

    @Test
    void aModuleMaySubscribeToOneInputByNameAndGetsOnlyThat() throws Exception {
        PahoClient filter = filter();
        assertThat(filter.subscribe("devices/edge1/modules/filter/inputs/input2/#", 1)).isEqualTo(1);
        assertThat(filter.subscribe("devices/edge1/modules/filter/inputs/+/#", 1)).as("a wildcard input").isEqualTo(0x80);
        ConnectedClient link = hub.subscribedLink(FILTER, Subscription.INPUTS);

        assertThat(link.acceptsInput("input2")).isTrue();
        assertThat(link.acceptsInput("input1")).isFalse();
        assertThat(link.deliverInput("input1", fromSensor("1"))).failsWithin(TestHub.WAIT)
                .withThrowableOfType(ExecutionException.class).withCauseInstanceOf(IllegalStateException.class);
        assertThat(link.deliverInput("input2", fromSensor("2"))).succeedsWithin(TestHub.WAIT);
        assertThat(filter.next().topic()).startsWith("devices/edge1/modules/filter/inputs/input2/");
    }

    @Test
    void aModuleThatHasNotSubscribedGetsNothing() throws Exception {
        filter();
        ConnectedClient link = hub.linkOf(FILTER);

        assertThat(link.deliverInput("input1", fromSensor("1"))).failsWithin(TestHub.WAIT)
                .withThrowableOfType(ExecutionException.class).withCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void anInputNameMustBeOneTopicLevel() throws Exception {
        PahoClient filter = filter();
        filter.subscribe(FILTER_INPUTS, 1);
        ConnectedClient link = hub.subscribedLink(FILTER, Subscription.INPUTS);

        for (String name : new String[] {"", "a/b", "+", "#"}) {
            assertThat(link.deliverInput(name, fromSensor("1"))).isCompletedExceptionally();
        }
        assertThatThrownBy(() -> link.methodRequest("a/b", "1", new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void afterUnsubscribingTheModuleIsNoLongerSubscribed() throws Exception {
        PahoClient filter = filter();
        filter.subscribe(FILTER_INPUTS, 1);
        ConnectedClient link = hub.subscribedLink(FILTER, Subscription.INPUTS);

        filter.client.unsubscribe(FILTER_INPUTS).waitForCompletion(TestHub.WAIT.toMillis());

        assertThat(link.isSubscribed(Subscription.INPUTS)).isFalse();
    }
}
