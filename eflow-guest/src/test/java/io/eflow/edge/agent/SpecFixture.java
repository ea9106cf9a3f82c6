package io.eflow.edge.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.contract.manifest.ContainerPort;
import io.eflow.contract.manifest.DeploymentManifest;
import io.eflow.contract.manifest.EdgeModule;
import io.eflow.contract.manifest.HealthCheck;
import io.eflow.edge.device.ModuleHub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One module, "filtermodule", read from a real deployment manifest with the createOptions a test gives, and the
 * other inputs of {@link ModuleSpec} under a temporary folder. Tests change a field, render, and read the JSON back.
 */
final class SpecFixture {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String MODULE = "filtermodule";

    final Path dir;
    ImageConfig image = new ImageConfig(List.of("PATH=/usr/bin:/bin", "LANG=C.UTF-8"), List.of("--serve"),
            List.of("/app/run"), "/app", "", Set.of(ContainerPort.parse("9000/tcp")),
            Map.of("org.opencontainers.image.title", "filter"), HealthCheck.UNSET);
    /** createOptions as JSON, single quotes for double ones so tests stay readable. */
    String createOptions = "{}";
    Map<String, String> env = new LinkedHashMap<>();
    Optional<ModuleHub.ModuleAccess> hub = Optional.empty();
    Function<Path, DeviceNode> devices = path -> {
        throw new IllegalArgumentException(path + " is not a device node");
    };

    SpecFixture(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(rootfs().resolve("etc"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A hub runs: the module gets generation {@code generation} and its workload socket's folder. */
    void withHub(String generation, Optional<String> connectionString) {
        hub = Optional.of(new ModuleHub.ModuleAccess(generation, dir.resolve("workload"), dir.resolve("ca.pem"), connectionString));
    }

    Path rootfs() {
        return dir.resolve("rootfs");
    }

    EdgeModule module() {
        ObjectNode manifest = JSON.createObjectNode();
        ObjectNode agent = manifest.putObject("modulesContent").putObject("$edgeAgent").putObject("properties.desired");
        agent.put("schemaVersion", "1.1");
        agent.putObject("runtime").put("type", "docker").putObject("settings");
        ObjectNode system = agent.putObject("systemModules");
        system.putObject("edgeAgent").put("type", "docker").putObject("settings").put("image", "mcr.microsoft.com/azureiotedge-agent:1.5");
        system.putObject("edgeHub").put("type", "docker").put("status", "running").put("restartPolicy", "always")
                .putObject("settings").put("image", "mcr.microsoft.com/azureiotedge-hub:1.5");
        ObjectNode module = agent.putObject("modules").putObject(MODULE);
        module.put("version", "1.0").put("type", "docker").put("status", "running").put("restartPolicy", "always");
        ObjectNode moduleEnv = module.putObject("env");
        env.forEach((name, value) -> moduleEnv.putObject(name).put("value", value));
        module.putObject("settings").put("image", "myacr.azurecr.io/filtermodule:0.0.1")
                .put("createOptions", createOptions.replace('\'', '"'));
        ObjectNode hub = ((ObjectNode) manifest.get("modulesContent")).putObject("$edgeHub").putObject("properties.desired");
        hub.put("schemaVersion", "1.1").putObject("routes");
        hub.putObject("storeAndForwardConfiguration").put("timeToLiveSecs", 7200);
        return DeploymentManifest.parse(manifest.toString()).manifest().agent().modules().get(MODULE);
    }

    ModuleSpec.Inputs inputs() {
        return new ModuleSpec.Inputs(module(), image, rootfs(), "device-1", "hub-1.azure-devices.net", "gateway.local",
                "637123456789", dir.resolve("hosts"), Path.of("/run/netns/eflow-modules"),
                dir.resolve("volumes"), CgroupMode.UNIFIED, devices, hub);
    }

    ModuleSpec.Result render() {
        return ModuleSpec.render(inputs());
    }

    JsonNode spec() {
        return tree(render().json());
    }

    static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> texts(JsonNode array) {
        assertThat(array.isArray()).as("%s is an array", array).isTrue();
        List<String> texts = new ArrayList<>();
        array.forEach(item -> texts.add(item.asText()));
        return texts;
    }

    /** The spec's mount at this destination. */
    static JsonNode mount(JsonNode spec, String destination) {
        for (JsonNode mount : spec.get("mounts")) {
            if (mount.get("destination").asText().equals(destination)) {
                return mount;
            }
        }
        throw new AssertionError("no mount at " + destination + " in " + spec.get("mounts"));
    }
}
