package io.eflow.edge.hub.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Twins and direct methods over IoT Hub's {@code $iothub/...} topics. */
class TwinAndMethodsTest extends HeadTestBase {

    private PahoClient twinClient() throws Exception {
        PahoClient filter = filter();
        assertThat(filter.subscribe("$iothub/twin/res/#", 0)).isEqualTo(0);
        return filter;
    }

    @Test
    void aTwinGetIsAnsweredWithTheTwin() throws Exception {
        String twin = "{\"desired\":{\"threshold\":25,\"$version\":3},\"reported\":{\"$version\":1}}";
        hub.twinIs(twin);
        PahoClient filter = twinClient();

        filter.publish("$iothub/twin/GET/?$rid=42", "", 0);

        PahoClient.Received answer = filter.next();
        assertThat(answer.topic()).isEqualTo("$iothub/twin/res/200/?$rid=42");
        assertThat(TestHub.JSON.readTree(answer.message().getPayload())).isEqualTo(TestHub.JSON.readTree(twin));
    }

    @Test
    void reportedPropertiesAreMergedAndAnsweredWithTheNewVersion() throws Exception {
        PahoClient filter = twinClient();

        filter.publish("$iothub/twin/PATCH/properties/reported/?$rid=43", "{\"temperature\":20}", 1)
                .waitForCompletion(TestHub.WAIT.toMillis());

        PahoClient.Received answer = filter.next();
        assertThat(answer.topic()).isEqualTo("$iothub/twin/res/204/?$rid=43&$version=2");
        assertThat(hub.reported).containsExactly(TestHub.JSON.readTree("{\"temperature\":20}"));
    }

    @Test
    void reportedPropertiesThatAreNoJsonObjectAreABadRequest() throws Exception {
        PahoClient filter = twinClient();

        filter.publish("$iothub/twin/PATCH/properties/reported/?$rid=44", "not json", 1);
        filter.publish("$iothub/twin/PATCH/properties/reported/?$rid=45", "[1,2]", 1);

        assertThat(filter.next().topic()).isEqualTo("$iothub/twin/res/400/?$rid=44");
        assertThat(filter.next().topic()).isEqualTo("$iothub/twin/res/400/?$rid=45");
        assertThat(hub.reported).isEmpty();
        assertThat(filter.client.isConnected()).isTrue();
    }

    @Test
    void aHubFailureIsAServerError() throws Exception {
        hub.twinFails(new IllegalStateException("twin store unavailable"));
        hub.reportedPatchesFail(new IllegalStateException("twin store unavailable"));
        PahoClient filter = twinClient();

        filter.publish("$iothub/twin/GET/?$rid=46", "", 0);
        filter.publish("$iothub/twin/PATCH/properties/reported/?$rid=47", "{}", 0);

        PahoClient.Received get = filter.next();
        assertThat(get.topic()).isEqualTo("$iothub/twin/res/500/?$rid=46");
        assertThat(get.body()).contains("twin store unavailable");
        assertThat(filter.next().topic()).isEqualTo("$iothub/twin/res/500/?$rid=47");
    }

    @Test
    void aDesiredPatchReachesASubscribedModule() throws Exception {
        PahoClient filter = filter();
        filter.subscribe("$iothub/twin/PATCH/properties/desired/#", 1);
        ConnectedClient link = hub.subscribedLink(FILTER, Subscription.DESIRED_PROPERTIES);
        JsonNode patch = TestHub.JSON.readTree("{\"threshold\":30}");

        link.desiredPatch(patch, 7);

        PahoClient.Received received = filter.next();
        assertThat(received.topic()).isEqualTo("$iothub/twin/PATCH/properties/desired/?$version=7");
        assertThat(TestHub.JSON.readTree(received.message().getPayload()))
                .as("the version in the body too, as IoT Hub sends it").isEqualTo(TestHub.JSON.readTree("{\"threshold\":30,\"$version\":7}"));
    }

    @Test
    void aMethodRequestIsAnsweredThroughTheHub() throws Exception {
        PahoClient filter = filter();
        filter.subscribe("$iothub/methods/POST/#", 1);
        ConnectedClient link = hub.subscribedLink(FILTER, Subscription.METHODS);

        link.methodRequest("reset", "r7", "{\"delay\":1}".getBytes(StandardCharsets.UTF_8));

        PahoClient.Received request = filter.next();
        assertThat(request.topic()).isEqualTo("$iothub/methods/POST/reset/?$rid=r7");
        assertThat(request.message().getQos()).isZero();
        assertThat(request.body()).isEqualTo("{\"delay\":1}");

        filter.publish("$iothub/methods/res/200/?$rid=r7", "{\"done\":true}", 1).waitForCompletion(TestHub.WAIT.toMillis());

        TestHub.MethodResponse response = hub.methodResponses.poll(TestHub.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(response).isNotNull();
        assertThat(response.from()).isEqualTo(FILTER);
        assertThat(response.requestId()).isEqualTo("r7");
        assertThat(response.status()).isEqualTo(200);
        assertThat(new String(response.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"done\":true}");
    }
}
