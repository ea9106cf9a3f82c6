package io.eflow.modules;

import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.contract.wire.MethodResult;
import io.eflow.daemon.api.HubPublish;
import io.eflow.daemon.api.UpstreamChange;
import io.eflow.platform.EflowException;
import io.eflow.platform.Json;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The hub's requests as the guest's runtime gets them (the contract with the guest), and what is refused before. */
class HubClientTest {
    private final ScriptedAgent agent = new ScriptedAgent();
    private final HubClient hub = new HubClient(new RuntimeSocket(agent, Duration.ofSeconds(10)));

    private static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }

    @Test
    void textIsPublishedAsUtf8BytesInBase64() throws Exception {
        agent.answer("hub-publish", "{\"reply\":\"done\"}");

        hub.publish("edge1", new HubPublish("filter", "input1", null, "héllo", Map.of("k", "v"), "text/plain", null));

        assertThat(agent.request("hub-publish")).isEqualTo(json("{\"op\":\"hub-publish\",\"module\":\"filter\",\"input\":\"input1\","
                + "\"body\":\"aMOpbGxv\",\"properties\":{\"k\":\"v\"},\"contentType\":\"text/plain\",\"contentEncoding\":\"utf-8\"}"));
    }

    @Test
    void bytesArePublishedAsTheyAreWithoutSystemPropertiesNobodyGave() throws Exception {
        agent.answer("hub-publish", "{\"reply\":\"done\"}");

        hub.publish("edge1", new HubPublish("filter", "input1", new byte[] {(byte) 0xff, 0}, null, null, null, null));

        assertThat(agent.request("hub-publish")).isEqualTo(json("{\"op\":\"hub-publish\",\"module\":\"filter\",\"input\":\"input1\","
                + "\"body\":\"/wA=\",\"properties\":{}}"));
    }

    @Test
    void aMessageNeedsOneBodyAndNamesWithoutSlashes() {
        assertThatThrownBy(() -> new HubPublish("filter", "input1", null, null, null, null, null).checked())
                .isInstanceOf(EflowException.class).hasMessage("a message needs a body (base64) or a text, not neither");
        assertThatThrownBy(() -> new HubPublish("filter", "input1", new byte[1], "x", null, null, null).checked())
                .hasMessage("a message needs a body (base64) or a text, not both");
        assertThatThrownBy(() -> new HubPublish("filter/x", "input1", null, "x", null, null, null).checked())
                .hasMessage("module must be a name without '/' or spaces, not 'filter/x'");
        assertThatThrownBy(() -> new HubPublish("filter", "", null, "x", null, null, null).checked())
                .hasMessage("input must be a name without '/' or spaces, not ''");
        assertThat(agent.requests()).isEmpty();
    }

    @Test
    void aDirectMethodCarriesItsPayloadAndTimeoutAndAnswersStatusAndPayload() throws Exception {
        agent.answer("module-invoke", "{\"reply\":\"method-result\",\"status\":200,\"payload\":{\"done\":true}}");

        MethodResult answer = hub.invoke("edge1", "filter", "reset", json("{\"hard\":true}"), null);

        assertThat(answer).isEqualTo(new MethodResult(200, json("{\"done\":true}")));
        assertThat(agent.request("module-invoke")).isEqualTo(json("{\"op\":\"module-invoke\",\"module\":\"filter\","
                + "\"method\":\"reset\",\"timeoutSecs\":30,\"payload\":{\"hard\":true}}"));
        hub.invoke("edge1", "filter", "ping", null, 300);
        assertThat(agent.request("module-invoke").path("payload").isNull()).isTrue();
        assertThatThrownBy(() -> hub.invoke("edge1", "filter", "reset", null, 0))
                .hasMessage("--timeout must be between 1 and 300 seconds, not 0");
        assertThatThrownBy(() -> hub.invoke("edge1", "filter", "reset", null, 301)).isInstanceOf(EflowException.class);
    }

    @Test
    void subscribingToAnOutputNeedsItsModule() {
        assertThatThrownBy(() -> hub.subscribe("edge1", null, "out", OutputStream.nullOutputStream()))
                .isInstanceOf(EflowException.class).hasMessage("an output needs its module");
        assertThat(agent.requests()).isEmpty();
    }

    @Test
    void theUpstreamValueTravelsOnlyInTheRequestAndTheAnswerIsShown() throws Exception {
        agent.answer("hub-upstream-set", "{\"reply\":\"done\"}");
        agent.answer("hub-upstream-show", "{\"reply\":\"upstream\",\"upstream\":{\"configured\":true,\"connected\":false,\"endpoint\":\"mqtt://b:1883\"}}");

        hub.setUpstream("edge1", " mqtt://u:p@b:1883 ", "d");

        assertThat(agent.request("hub-upstream-set"))
                .isEqualTo(json("{\"op\":\"hub-upstream-set\",\"upstream\":\"mqtt://u:p@b:1883\",\"deviceId\":\"d\"}"));
        assertThat(hub.upstream("edge1").endpoint()).isEqualTo("mqtt://b:1883");
        assertThatThrownBy(() -> hub.setUpstream("edge1", " ", null)).isInstanceOf(EflowException.class);
        assertThat(new UpstreamChange("HostName=h;DeviceId=d;SharedAccessKey=secret", "d").toString())
                .doesNotContain("secret");
        assertThat(new String(Json.write(new UpstreamChange("x", null)), StandardCharsets.UTF_8))
                .isEqualTo("{\"upstream\":\"x\",\"deviceId\":null}");
    }
}
