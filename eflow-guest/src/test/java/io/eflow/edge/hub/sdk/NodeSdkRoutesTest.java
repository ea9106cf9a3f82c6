package io.eflow.edge.hub.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.contract.iothub.ConnectionString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Route conditions on what the official Node SDK sends: a module's {@code sendOutputEvent} through the hub's routes
 * to another module's {@code inputMessage}, both over MQTT with TLS trusting the edge CA. The Node SDK ends an output
 * event's topic with a '/' after the property bag.
 */
class NodeSdkRoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_SECONDS = 40;

    @TempDir
    Path dir;

    @Test
    void routeConditionsTakeTheNodeSdksOutputEventsAndItsSinkReadsThemIntact() throws Exception {
        try (SdkRoutes routes = SdkRoutes.start(dir)) {
            ObjectNode scenario = JSON.createObjectNode()
                    .put("sensor", nodeConnectionString(routes, "sensor"))
                    .put("sink", nodeConnectionString(routes, "sink"))
                    .put("deliveries", SdkRoutes.deliveries());
            ArrayNode messages = scenario.putArray("messages");
            for (SdkRoutes.Sent sent : SdkRoutes.SENT) {
                ObjectNode message = messages.addObject().put("id", sent.id()).put("output", sent.output())
                        .put("messageId", sent.messageId()).put("correlationId", sent.correlationId())
                        .put("contentType", sent.contentType().orElse(null))
                        .put("contentEncoding", sent.contentEncoding().orElse(null));
                ArrayNode properties = message.putArray("properties");
                sent.properties().forEach((key, value) -> properties.addArray().add(key).add(value));
            }

            JsonNode outcome = node(Map.of("SCENARIO", scenario.toString(),
                    "NODE_EXTRA_CA_CERTS", routes.caCertificate().toString()));

            List<SdkRoutes.Received> received = new ArrayList<>();
            for (JsonNode one : outcome.path("received")) {
                Map<String, String> properties = new TreeMap<>();
                one.path("properties").properties().forEach(p -> properties.put(p.getKey(), p.getValue().asText()));
                received.add(new SdkRoutes.Received(one.path("input").asText(), one.path("body").asText(), properties,
                        text(one, "messageId"), text(one, "correlationId"), text(one, "contentType"),
                        text(one, "contentEncoding")));
            }
            routes.assertReceived(received);
        }
    }

    /**
     * The module's connection string with the hub's TLS port in its gateway host name: the Node SDK connects to
     * {@code mqtts://{GatewayHostName}}, so a port there is the port it uses (and the name stays what TLS checks).
     */
    private static String nodeConnectionString(SdkRoutes routes, String module) {
        ConnectionString given = ConnectionString.parse(routes.connectionString(module));
        return new ConnectionString(given.hostName(), given.deviceId(), given.moduleId(), given.sharedAccessKey(),
                Optional.of(given.gatewayHostName().orElseThrow() + ":" + routes.service.tlsPort())).toString();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() ? value.asText() : null;
    }

    private static JsonNode node(Map<String, String> environment) throws IOException, InterruptedException {
        return NodeScript.run("routes.js", environment, TIMEOUT_SECONDS);
    }
}
