package io.eflow.contract.manifest;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An Azure IoT Edge deployment manifest, read unchanged: what the agent runs, how the hub routes, and the desired
 * properties of the modules' twins. Value-based: two parses of the same document are equal.
 *
 * @param moduleTwins the {@code properties.desired} given for modules of this deployment, by module name
 * @param json        the document as given, unknown fields included, for showing the deployment back
 */
public record DeploymentManifest(EdgeAgentProperties agent, EdgeHubProperties hub, Map<String, JsonNode> moduleTwins,
                                 JsonNode json) {
    public DeploymentManifest {
        moduleTwins = Immutable.map(copy(moduleTwins));
        json = json.deepCopy();
    }

    /**
     * Reads a manifest: the whole document {@code {"modulesContent": {...}}} or only its content
     * {@code {"$edgeAgent": ..., "$edgeHub": ...}}, as IoT Hub's set-modules takes it.
     *
     * @throws ManifestException for the first problem found; nothing of an invalid manifest is used
     */
    public static ParsedManifest parse(String json) {
        return ManifestReader.read(json);
    }

    /** A copy of the desired properties: JSON trees are mutable and this record is not. */
    @Override
    public Map<String, JsonNode> moduleTwins() {
        return copy(moduleTwins);
    }

    /** A copy of the document; note that it holds the registry passwords. */
    @Override
    public JsonNode json() {
        return json.deepCopy();
    }

    private static Map<String, JsonNode> copy(Map<String, JsonNode> twins) {
        Map<String, JsonNode> copy = new LinkedHashMap<>();
        twins.forEach((module, desired) -> copy.put(module, desired.deepCopy()));
        return copy;
    }
}
