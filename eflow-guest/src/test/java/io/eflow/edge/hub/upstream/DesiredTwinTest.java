package io.eflow.edge.hub.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class DesiredTwinTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SECOND = 1_000_000_000L;

    private final DesiredTwin twin = new DesiredTwin();

    @Test
    void theWholeTwinThenPatchesMergedAsIotHubMergesThem() throws Exception {
        String rid = rid(twin.request(0));
        assertThat(twin.request(1)).as("one request at a time").isEmpty();
        assertThat(answer(rid, "200", "{\"desired\":{\"$version\":4,\"a\":{\"x\":1,\"y\":2},\"b\":1},\"reported\":{}}"))
                .contains(json("{\"$version\":4,\"a\":{\"x\":1,\"y\":2},\"b\":1}"));
        assertThat(twin.request(2)).as("nothing to ask while the document is known").isEmpty();

        assertThat(patch("{\"$version\":5,\"a\":{\"x\":null,\"z\":3},\"b\":[1,2]}"))
                .contains(json("{\"$version\":5,\"a\":{\"y\":2,\"z\":3},\"b\":[1,2]}"));
        assertThat(patch("{\"$version\":5,\"b\":0}")).as("not newer").isEmpty();
    }

    @Test
    void aMissedPatchFetchesTheWholeTwinAgain() throws Exception {
        answer(rid(twin.request(0)), "200", "{\"desired\":{\"$version\":1}}");
        assertThat(patch("{\"$version\":3,\"c\":1}")).isEmpty();
        String again = rid(twin.request(1));
        assertThat(answer(again, "200", "{\"desired\":{\"$version\":2,\"b\":1}}"))
                .as("the held patch is newer than the answer").contains(json("{\"$version\":3,\"b\":1,\"c\":1}"));
    }

    @Test
    void patchesBeforeTheAnswerAreHeldAndAppliedWhenNewer() throws Exception {
        String rid = rid(twin.request(0));
        assertThat(patch("{\"$version\":2,\"old\":true}")).isEmpty();
        assertThat(patch("{\"$version\":4,\"new\":true}")).isEmpty();
        assertThat(answer(rid, "200", "{\"desired\":{\"$version\":3,\"old\":true}}"))
                .contains(json("{\"$version\":4,\"old\":true,\"new\":true}"));
    }

    @Test
    void aRefusedOrUnansweredRequestIsRepeatedAndStrayAnswersIgnored() throws Exception {
        String rid = rid(twin.request(0));
        assertThat(answer("999", "200", "{\"desired\":{\"$version\":1}}")).isEmpty();
        assertThat(answer(rid, "429", "")).isEmpty();
        assertThat(twin.request(5 * SECOND)).isEmpty();
        String second = rid(twin.request(11 * SECOND));
        assertThat(second).isNotEqualTo(rid);
        assertThat(answer(second, "200", "not json")).isEmpty();
        assertThat(answer(second, "200", "{\"desired\":{\"$version\":1}}")).isPresent();
    }

    @Test
    void aNewConnectionFetchesAgainAndHandsOutOnlyWhatChanged() throws Exception {
        answer(rid(twin.request(0)), "200", "{\"desired\":{\"$version\":1,\"a\":1}}");
        twin.connected();
        assertThat(answer(rid(twin.request(0)), "200", "{\"desired\":{\"$version\":1,\"a\":1}}")).isEmpty();
        twin.connected();
        assertThat(answer(rid(twin.request(0)), "200", "{\"desired\":{\"$version\":2,\"a\":2}}")).isPresent();
    }

    private Optional<JsonNode> answer(String rid, String status, String body) {
        return twin.arrived("$iothub/twin/res/" + status + "/?$rid=" + rid, body.getBytes(StandardCharsets.UTF_8));
    }

    private Optional<JsonNode> patch(String body) {
        return twin.arrived("$iothub/twin/PATCH/properties/desired/?$version=x", body.getBytes(StandardCharsets.UTF_8));
    }

    private static String rid(Optional<String> request) {
        String topic = request.orElseThrow();
        assertThat(topic).startsWith("$iothub/twin/GET/?$rid=");
        return topic.substring(topic.indexOf('=') + 1);
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }
}
