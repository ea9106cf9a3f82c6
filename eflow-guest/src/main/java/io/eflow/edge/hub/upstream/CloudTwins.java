package io.eflow.edge.hub.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * The edge device's modules' twins as the upstream link synchronizes them with IoT Hub, each over the module's own
 * connection: IoT Hub owns the desired properties, the module the reported ones, and the edge hub keeps a copy of
 * both so that modules have their twins offline.
 */
public interface CloudTwins {
    /** No module twins: a device's link, a broker. */
    CloudTwins NONE = new CloudTwins() {
        @Override
        public void desired(String module, JsonNode desired) {
        }

        @Override
        public JsonNode reported(String module) {
            return JsonNodeFactory.instance.objectNode();
        }
    };

    /** Module {@code module}'s whole desired properties as IoT Hub has them, after each connect and each change. */
    void desired(String module, JsonNode desired);

    /** Module {@code module}'s reported properties as the edge hub keeps them: what IoT Hub should show. */
    JsonNode reported(String module);
}
