package io.eflow.edge.cloud;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.contract.json.Mappers;
import io.eflow.contract.wire.ModuleReport;

import java.util.Map;

/**
 * {@code $edgeAgent}'s reported properties in IoT Edge's schema: the runtime, the outcome of the last desired
 * properties, and every module's state. {@link #patch} turns two of them into the patch IoT Hub merges (a module
 * gone is reported as null, which is how a twin patch removes a property).
 */
final class AgentReport {
    private static final ObjectMapper JSON = Mappers.standard();
    static final String SCHEMA_VERSION = "1.1";

    private AgentReport() {
    }

    /** The outcome of one desired version: 200 applied, 400 invalid, 417 empty, 412 schema, 500 failed. */
    record DesiredStatus(int code, String description, long version) {
    }

    /** The whole reported document for the runtime's {@code version}, the last outcome and the modules now. */
    static ObjectNode of(String version, DesiredStatus status, Map<String, ModuleReport> modules) {
        ObjectNode reported = JSON.createObjectNode();
        reported.put("schemaVersion", SCHEMA_VERSION);
        reported.set("version", JSON.createObjectNode().put("version", version).put("build", version).put("commit", ""));
        reported.set("lastDesiredStatus", JSON.createObjectNode().put("code", status.code())
                .put("description", status.description()));
        reported.put("lastDesiredVersion", status.version());
        ObjectNode platform = JSON.createObjectNode().put("os", "linux").put("architecture", System.getProperty("os.arch"))
                .put("version", version);
        reported.set("runtime", JSON.createObjectNode().put("type", "docker").set("platform", platform));
        ObjectNode system = JSON.createObjectNode();
        // the agent and the hub run in the runtime itself: they are running whenever it answers
        system.set("edgeAgent", JSON.createObjectNode().put("runtimeStatus", "running").put("type", "docker"));
        system.set("edgeHub", JSON.createObjectNode().put("runtimeStatus", "running").put("type", "docker")
                .put("status", "running").put("restartPolicy", "always"));
        reported.set("systemModules", system);
        ObjectNode reportedModules = JSON.createObjectNode();
        modules.forEach((name, module) -> reportedModules.set(name, module(module)));
        reported.set("modules", reportedModules);
        return reported;
    }

    /**
     * {@code $edgeHub}'s reported properties: its schema and the outcome of its desired properties (they are applied
     * with the agent's, as one deployment), at {@code $edgeHub}'s own desired version.
     */
    static ObjectNode hub(DesiredStatus status, long hubDesiredVersion) {
        ObjectNode reported = JSON.createObjectNode();
        reported.put("schemaVersion", SCHEMA_VERSION);
        reported.set("lastDesiredStatus", JSON.createObjectNode().put("code", status.code())
                .put("description", status.description()));
        reported.put("lastDesiredVersion", hubDesiredVersion);
        return reported;
    }

    private static ObjectNode module(ModuleReport module) {
        ObjectNode node = JSON.valueToTree(module);
        // IoT Edge reports the image under settings; eflow's report keeps the image hash beside it
        node.remove("image");
        node.remove("pull"); // eflow's own, for its CLI and console; IoT Hub's schema has no such field
        node.set("settings", JSON.createObjectNode().put("image", module.image()));
        return node;
    }
}
