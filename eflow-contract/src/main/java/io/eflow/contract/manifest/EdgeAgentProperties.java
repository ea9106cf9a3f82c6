package io.eflow.contract.manifest;

import java.util.Map;

/**
 * The desired properties of {@code $edgeAgent}: what runs on the device.
 *
 * @param schemaVersion as written: 1.0, 1.1, 1.0.x or 1.1.x
 * @param modules       the user's modules by name, in manifest order
 */
public record EdgeAgentProperties(String schemaVersion, RuntimeSettings runtime, EdgeModule edgeAgent, EdgeModule edgeHub,
                                  Map<String, EdgeModule> modules) {
    public EdgeAgentProperties {
        modules = Immutable.map(modules);
    }
}
