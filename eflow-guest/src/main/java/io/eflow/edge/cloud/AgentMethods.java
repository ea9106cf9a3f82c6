package io.eflow.edge.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eflow.contract.json.Mappers;
import io.eflow.edge.device.ModuleRuntime;

import java.io.IOException;
import java.time.Clock;

/**
 * The direct methods IoT Edge's agent answers from the cloud: {@code ping}, {@code RestartModule}
 * ({@code {"schemaVersion": "1.0", "id": "<module>"}}), {@code GetModuleLogs} ({@link ModuleLogsMethod}), {@code
 * UploadModuleLogs} and {@code UploadSupportBundle} ({@link UploadMethods}) and {@code GetTaskStatus} ({@code
 * {"schemaVersion": "1.0", "correlationId": "<id>"}}, answered as IoT Edge does: 200 with the task's status, {@code
 * Unknown} for an id it does not know). Names are matched as IoT Edge does, without regard to case.
 */
final class AgentMethods implements TwinSession.MethodHandler {
    private static final ObjectMapper JSON = Mappers.standard();
    private final ModuleRuntime runtime;
    private final ModuleLogsMethod logs;
    private final UploadMethods uploads;
    private final UploadTasks tasks;

    /** @param tasks the uploads under way and finished, which outlive this session's methods */
    AgentMethods(ModuleRuntime runtime, CloudIdentity provisioning, UploadTasks tasks, Clock clock) {
        this.runtime = runtime;
        this.logs = new ModuleLogsMethod(runtime, clock);
        this.uploads = new UploadMethods(runtime, provisioning, tasks, clock);
        this.tasks = tasks;
    }

    @Override
    public TwinSession.MethodResponse call(String method, JsonNode payload) {
        return switch (method.toLowerCase()) {
            case "ping" -> new TwinSession.MethodResponse(200, JSON.nullNode());
            case "restartmodule" -> restart(payload);
            case "getmodulelogs" -> moduleLogs(payload);
            case "uploadmodulelogs" -> uploads.moduleLogs(payload);
            case "uploadsupportbundle" -> uploads.supportBundle(payload);
            case "gettaskstatus" -> taskStatus(payload);
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

    private TwinSession.MethodResponse taskStatus(JsonNode payload) {
        String id = payload == null ? "" : payload.path("correlationId").asText("");
        if (id.isBlank()) {
            return error(400, "GetTaskStatus needs the upload's correlationId: {\"schemaVersion\": \"1.0\", \"correlationId\": \"<id>\"}");
        }
        return tasks.answer(id);
    }

    static TwinSession.MethodResponse error(int status, String message) {
        return new TwinSession.MethodResponse(status, JSON.createObjectNode().put("message", message));
    }
}
