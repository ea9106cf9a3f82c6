package io.eflow.edge.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eflow.contract.json.Mappers;
import io.eflow.edge.device.ModuleRuntime;

import java.io.IOException;
import java.time.Clock;

/**
 * The direct methods IoT Edge's agent answers from the cloud: {@code ping}, {@code RestartModule}
 * ({@code {"schemaVersion": "1.0", "id": "<module>"}}) and {@code GetModuleLogs} ({@link ModuleLogsMethod}). Names
 * are matched as IoT Edge does, without regard to case.
 */
final class AgentMethods implements TwinSession.MethodHandler {
    private static final ObjectMapper JSON = Mappers.standard();
    private final ModuleRuntime runtime;
    private final ModuleLogsMethod logs;

    AgentMethods(ModuleRuntime runtime, Clock clock) {
        this.runtime = runtime;
        this.logs = new ModuleLogsMethod(runtime, clock);
    }

    @Override
    public TwinSession.MethodResponse call(String method, JsonNode payload) {
        return switch (method.toLowerCase()) {
            case "ping" -> new TwinSession.MethodResponse(200, JSON.nullNode());
            case "restartmodule" -> restart(payload);
            case "getmodulelogs" -> moduleLogs(payload);
            default -> error(501, "$edgeAgent has no direct method '" + method + "'");
        };
    }

    private TwinSession.MethodResponse restart(JsonNode payload) {
        String id = payload == null ? "" : payload.path("id").asText("");
        if (id.isBlank()) {
            return error(400, "RestartModule needs the module's id: {\"schemaVersion\": \"1.0\", \"id\": \"<module>\"}");
        }
        if (id.equals("edgeAgent") || id.equals("edgeHub")) {
            return error(400, id + " runs in the edge runtime itself; restart the runtime to restart it");
        }
        return runtime.restart(id) ? new TwinSession.MethodResponse(200, JSON.nullNode())
                : error(404, "no module named '" + id + "' is deployed");
    }

    private TwinSession.MethodResponse moduleLogs(JsonNode payload) {
        try {
            return logs.call(payload);
        } catch (IOException e) {
            return error(500, "the module logs could not be read: " + e.getMessage());
        }
    }

    static TwinSession.MethodResponse error(int status, String message) {
        return new TwinSession.MethodResponse(status, JSON.createObjectNode().put("message", message));
    }
}
