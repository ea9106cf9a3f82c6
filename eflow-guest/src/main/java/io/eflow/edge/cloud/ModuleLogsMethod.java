package io.eflow.edge.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.contract.json.Mappers;
import io.eflow.contract.wire.LogLine;
import io.eflow.edge.device.ModuleRuntime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * IoT Edge's {@code GetModuleLogs} ({@link LogsRequest}), answered with one {@code {"id", "payload"}} per matching
 * module ({@code payloadBytes}, base64, when gzipped). The answer is cut to a direct method's 128 KB, newest lines
 * kept.
 */
final class ModuleLogsMethod {
    /** A direct method's response limit, less room for the envelope. */
    static final int MAX_BYTES = 127 * 1024;
    private static final ObjectMapper JSON = Mappers.standard();

    private final ModuleRuntime runtime;
    private final Clock clock;

    ModuleLogsMethod(ModuleRuntime runtime, Clock clock) {
        this.runtime = runtime;
        this.clock = clock;
    }

    TwinSession.MethodResponse call(JsonNode payload) throws IOException {
        LogsRequest request;
        try {
            request = LogsRequest.parse(payload, "GetModuleLogs", clock);
        } catch (IllegalArgumentException e) {
            return AgentMethods.error(400, e.getMessage());
        }
        ArrayNode answer = JSON.createArrayNode();
        int budget = MAX_BYTES;
        for (Map.Entry<String, List<LogLine>> module : request.select(runtime).entrySet()) {
            byte[] content = request.content(module.getKey(), module.getValue(), budget);
            budget = Math.max(0, budget - content.length);
            ObjectNode entry = answer.addObject().put("id", module.getKey());
            if (request.gzip()) {
                entry.put("payloadBytes", Base64.getEncoder().encodeToString(request.encoded(content)));
            } else {
                entry.put("payload", new String(content, StandardCharsets.UTF_8));
            }
        }
        return new TwinSession.MethodResponse(200, answer);
    }
}
