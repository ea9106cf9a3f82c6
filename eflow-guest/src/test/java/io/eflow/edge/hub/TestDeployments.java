package io.eflow.edge.hub;

import io.eflow.contract.manifest.DeploymentManifest;

import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Deployment manifests for tests of the hub: the modules by name (the hub reads names, routes and desired properties,
 * never images), the {@code $edgeHub} routes, and module twins' desired properties. Shared with the samples' tests.
 */
public final class TestDeployments {
    private static final String MODULE = "{\"type\":\"docker\",\"status\":\"running\",\"restartPolicy\":\"always\","
            + "\"settings\":{\"image\":\"localhost:5000/m:1\",\"createOptions\":\"{}\"}}";

    private TestDeployments() {
    }

    /**
     * @param routes  a JSON object of routes
     * @param desired each module's desired properties, a JSON object, for the modules that have some
     */
    public static DeploymentManifest of(List<String> modules, String routes, Map<String, String> desired) {
        StringJoiner all = new StringJoiner(",");
        modules.forEach(name -> all.add("\"" + name + "\":" + MODULE));
        StringJoiner twins = new StringJoiner("");
        desired.forEach((module, properties) -> twins.add(",\"" + module + "\": {\"properties.desired\": " + properties + "}"));
        return DeploymentManifest.parse("""
                {"modulesContent": {
                  "$edgeAgent": {"properties.desired": {"schemaVersion": "1.1",
                    "runtime": {"type": "docker", "settings": {}},
                    "systemModules": {"edgeAgent": {"type": "docker", "settings": {"image": "mcr.microsoft.com/azureiotedge-agent:1.5"}},
                                      "edgeHub": {"type": "docker", "status": "running", "restartPolicy": "always", "settings": {"image": "mcr.microsoft.com/azureiotedge-hub:1.5"}}},
                    "modules": {%s}}},
                  "$edgeHub": {"properties.desired": {"schemaVersion": "1.1", "routes": %s,
                    "storeAndForwardConfiguration": {"timeToLiveSecs": 7200}}}%s
                }}""".formatted(all, routes, twins)).manifest();
    }
}
