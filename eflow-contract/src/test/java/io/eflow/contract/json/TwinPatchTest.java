package io.eflow.contract.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TwinPatchTest {
    private static final ObjectMapper JSON = Mappers.standard();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void aPatchMergesObjectsRemovesNullsReplacesTheRestAndLeavesTheHubsBookkeeping() throws Exception {
        ObjectNode twin = (ObjectNode) json("{\"a\":1,\"b\":{\"c\":2,\"d\":3},\"e\":[1],\"$version\":4}");
        TwinPatch.apply(twin, json("{\"a\":null,\"b\":{\"c\":5},\"e\":{\"f\":null,\"g\":1},\"$version\":9,"
                + "\"h\":{\"$metadata\":1,\"$edgeAgent\":{\"x\":1}}}"));
        assertThat(twin).isEqualTo(json("{\"b\":{\"c\":5,\"d\":3},\"e\":{\"g\":1},\"$version\":4,\"h\":{\"$edgeAgent\":{\"x\":1}}}"));
    }

    @Test
    void theDiffOfTwoDocumentsIsThePatchThatTurnsOneIntoTheOther() throws Exception {
        JsonNode from = json("{\"a\":1,\"b\":{\"c\":2,\"d\":3},\"gone\":true,\"$version\":3}");
        JsonNode to = json("{\"a\":1,\"b\":{\"c\":2,\"d\":4},\"new\":[1,2],\"$version\":7}");
        ObjectNode patch = TwinPatch.diff(from, to);
        assertThat(patch).isEqualTo(json("{\"b\":{\"d\":4},\"gone\":null,\"new\":[1,2]}"));
        assertThat(TwinPatch.merged((ObjectNode) from, patch)).isEqualTo(json("{\"a\":1,\"b\":{\"c\":2,\"d\":4},\"new\":[1,2],\"$version\":3}"));
        assertThat(TwinPatch.diff(to, to)).isEmpty();
    }

    @Test
    void withoutMetadataDropsTheTopLevelBookkeepingOnly() throws Exception {
        assertThat(TwinPatch.withoutMetadata(json("{\"$version\":2,\"$metadata\":{},\"a\":{\"$version\":1}}")))
                .isEqualTo(json("{\"a\":{\"$version\":1}}"));
        assertThat(TwinPatch.withoutMetadata(null)).isEmpty();
    }
}
