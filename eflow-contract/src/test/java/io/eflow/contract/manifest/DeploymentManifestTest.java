package io.eflow.contract.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.eflow.contract.manifest.Manifests.AGENT;
import static io.eflow.contract.manifest.Manifests.AGENT_PATH;
import static io.eflow.contract.manifest.Manifests.FILTER;
import static io.eflow.contract.manifest.Manifests.HUB;
import static io.eflow.contract.manifest.Manifests.json;
import static io.eflow.contract.manifest.Manifests.quickstart;
import static io.eflow.contract.manifest.Manifests.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class DeploymentManifestTest {
    private final ParsedManifest parsed = DeploymentManifest.parse(quickstart());
    private final DeploymentManifest manifest = parsed.manifest();

    @Test
    void readsTheAgentsRuntimeAndSystemModules() {
        EdgeAgentProperties agent = manifest.agent();
        assertThat(agent.schemaVersion()).isEqualTo("1.1");
        assertThat(agent.runtime().minDockerVersion()).isEqualTo("v1.25");
        assertThat(agent.runtime().registryCredentials())
                .containsExactly(Map.entry("myacr", new RegistryCredential("myacr.azurecr.io", "myacr", "not-a-real-password")));
        assertThat(agent.edgeAgent().image()).hasToString("mcr.microsoft.com/azureiotedge-agent:1.5");
        assertThat(agent.edgeAgent().createOptions()).isEqualTo(CreateOptions.NONE);
        assertThat(agent.edgeHub().image()).isEqualTo(
                new ImageReference("mcr.microsoft.com", "azureiotedge-hub", Optional.of("1.5"), Optional.empty()));
        assertThat(agent.edgeHub().startupOrder()).isZero();
        assertThat(agent.edgeHub().restartPolicy()).isEqualTo(RestartPolicy.ALWAYS);
    }

    @Test
    void readsTheHubsPortBindingsFromStringifiedCreateOptions() {
        Map<ContainerPort, List<PortBinding>> bindings = manifest.agent().edgeHub().createOptions().hostConfig().portBindings();
        assertThat(bindings).containsExactly(
                Map.entry(new ContainerPort(5671, "tcp"), List.of(new PortBinding("", 5671))),
                Map.entry(new ContainerPort(8883, "tcp"), List.of(new PortBinding("", 8883))),
                Map.entry(new ContainerPort(443, "tcp"), List.of(new PortBinding("", 443))));
    }

    @Test
    void keepsModulesInManifestOrderWithTheirDefaults() {
        assertThat(manifest.agent().modules()).containsOnlyKeys("SimulatedTemperatureSensor", "filtermodule");
        assertThat(manifest.agent().modules().keySet()).containsExactly("SimulatedTemperatureSensor", "filtermodule");
        EdgeModule sensor = manifest.agent().modules().get("SimulatedTemperatureSensor");
        assertThat(sensor.name()).isEqualTo("SimulatedTemperatureSensor");
        assertThat(sensor.version()).isEqualTo("1.0");
        assertThat(sensor.desiredRunning()).isTrue();
        assertThat(sensor.startupOrder()).isEqualTo(EdgeModule.LAST).isEqualTo(4_294_967_295L);
        assertThat(sensor.imagePullPolicy()).isEqualTo(ImagePullPolicy.ON_CREATE);
        assertThat(sensor.env()).isEmpty();
        assertThat(sensor.image()).hasToString("mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.5");
    }

    @Test
    void readsAModulesSettingsEnvironmentAndCreateOptions() {
        EdgeModule filter = manifest.agent().modules().get("filtermodule");
        assertThat(filter.restartPolicy()).isEqualTo(RestartPolicy.ON_FAILURE);
        assertThat(filter.startupOrder()).isEqualTo(1);
        assertThat(filter.imagePullPolicy()).isEqualTo(ImagePullPolicy.NEVER);
        assertThat(filter.env()).containsExactly(Map.entry("TemperatureThreshold", "25"), Map.entry("Verbose", "true"));
        assertThat(filter.image()).isEqualTo(
                new ImageReference("myacr.azurecr.io", "filtermodule", Optional.of("0.0.1-amd64"), Optional.empty()));
        CreateOptions options = filter.createOptions();
        assertThat(options.env()).containsExactly("LOG_LEVEL=info");
        assertThat(options.cmd()).containsExactly("--threshold", "25");
        assertThat(options.workingDir()).isEqualTo("/app");
        assertThat(options.user()).isEqualTo("1000:1000");
        assertThat(options.labels()).containsExactly(Map.entry("owner", "plant-3"));
        assertThat(options.exposedPorts()).containsExactly(new ContainerPort(8080, "tcp"));
        assertThat(options.hostConfig().binds()).containsExactly(
                new Mount(Mount.Type.BIND, "/var/filter", "/data", false),
                new Mount(Mount.Type.BIND, "/etc/filter", "/config", true));
        assertThat(options.hostConfig().memory()).isEqualTo(256L * 1024 * 1024);
        assertThat(options.hostConfig().nanoCpus()).isEqualTo(500_000_000L);
        assertThat(options.hostConfig().portBindings())
                .containsExactly(Map.entry(new ContainerPort(8080, "tcp"), List.of(new PortBinding("", 18080))));
    }

    @Test
    void readsTheHubsRoutesAndTheModuleTwins() {
        EdgeHubProperties hub = manifest.hub();
        assertThat(hub.schemaVersion()).isEqualTo("1.1");
        assertThat(hub.storeAndForwardTimeToLiveSecs()).isEqualTo(7200);
        assertThat(hub.routes()).containsExactly(
                Map.entry("sensorToFilter", new RouteEntry("FROM /messages/modules/SimulatedTemperatureSensor/outputs/temperatureOutput"
                        + " INTO BrokeredEndpoint(\"/modules/filtermodule/inputs/input1\")", RouteEntry.DEFAULT_PRIORITY, 7200)),
                Map.entry("filterToIoTHub", new RouteEntry("FROM /messages/modules/filtermodule/outputs/* INTO $upstream",
                        RouteEntry.DEFAULT_PRIORITY, 7200)));
        assertThat(manifest.moduleTwins()).containsExactly(
                Map.entry("SimulatedTemperatureSensor", json("{\"SendData\": true, \"SendInterval\": 5}")));
    }

    @Test
    void acceptsFieldsEflowDoesNotUseWithAWarningEach() {
        assertThat(parsed.warnings()).containsExactlyInAnyOrder(
                "$schema-template: unknown field, ignored",
                AGENT_PATH + ".runtime.settings.loggingOptions: unknown field, ignored",
                AGENT_PATH + ".modules.SimulatedTemperatureSensor.settings.createOptions.HostConfig.LogConfig: unknown field, ignored");
    }

    @Test
    void warnsWithThePathOfAnUnknownModuleSetting() {
        ParsedManifest withFoo = DeploymentManifest.parse(with(FILTER + "/settings/foo", "bar"));
        assertThat(withFoo.warnings()).contains(AGENT_PATH + ".modules.filtermodule.settings.foo: unknown field, ignored");
        assertThat(withFoo.manifest().json().at(FILTER + "/settings/foo").textValue()).isEqualTo("bar");
    }

    @Test
    void givesBackTheDocumentAsGivenUnknownFieldsIncluded() {
        JsonNode original = json(quickstart());
        assertThat(manifest.json()).isEqualTo(original);
        ((ObjectNode) manifest.json()).remove("modulesContent");
        assertThat(manifest.json()).as("json() is a copy").isEqualTo(original);
        assertThat(DeploymentManifest.parse(manifest.json().toString()).manifest()).isEqualTo(manifest);
    }

    @Test
    void readsTheBareContentAsSetModulesTakesIt() {
        String content = json(quickstart()).get("modulesContent").toString();
        ParsedManifest bare = DeploymentManifest.parse(content);
        assertThat(bare.manifest().agent()).isEqualTo(manifest.agent());
        assertThat(bare.manifest().hub()).isEqualTo(manifest.hub());
        assertThat(bare.warnings()).contains("$edgeAgent.properties.desired.runtime.settings.loggingOptions: unknown field, ignored");
        ManifestException refused = catchThrowableOfType(ManifestException.class,
                () -> DeploymentManifest.parse(content.replace("\"1.1\"", "\"3.0\"")));
        assertThat(refused.path()).isEqualTo("$edgeAgent.properties.desired.schemaVersion");
    }

    @Test
    void joinsSplitCreateOptionsInNumberOrder() {
        // Cut mid-token as IoT Edge cuts at 512 characters; the parts' order in the document does not matter.
        String settings = """
                {"image": "myacr.azurecr.io/filtermodule:0.0.1-amd64",
                 "createOptions02": "3\\"}]},\\"Memory\\":268435456}}",
                 "createOptions": "{\\"Env\\":[\\"k1=v1\\",\\"k2=v2\\"],\\"HostConfig\\"",
                 "createOptions01": ":{\\"PortBindings\\":{\\"43/udp\\":[{\\"HostPort\\":\\"4"}""";
        ParsedManifest split = DeploymentManifest.parse(with(FILTER + "/settings", json(settings)));
        CreateOptions options = split.manifest().agent().modules().get("filtermodule").createOptions();
        assertThat(options.env()).containsExactly("k1=v1", "k2=v2");
        assertThat(options.hostConfig().portBindings())
                .containsExactly(Map.entry(new ContainerPort(43, "udp"), List.of(new PortBinding("", 43))));
        assertThat(options.hostConfig().memory()).isEqualTo(268_435_456L);
        assertThat(split.warnings()).noneMatch(w -> w.contains("createOptions0"));
    }

    @Test
    void longCreateOptionsCutInto512CharacterPartsReadAsTheWhole() {
        StringBuilder binds = new StringBuilder();
        for (int i = 0; i < 80; i++) {
            binds.append(i == 0 ? "" : ",").append("\"/var/data/sensor-").append(i).append(":/data/").append(i).append(":ro\"");
        }
        String whole = "{\"HostConfig\":{\"Binds\":[" + binds + "],\"Privileged\":true}}";
        ObjectNode settings = (ObjectNode) json("{\"image\": \"alpine:3.20\"}");
        for (int part = 0; part * 512 < whole.length(); part++) {
            String name = part == 0 ? "createOptions" : String.format("createOptions%02d", part);
            settings.put(name, whole.substring(part * 512, Math.min(whole.length(), (part + 1) * 512)));
        }
        assertThat(settings.has("createOptions03")).as("cut into four parts or more").isTrue();
        CreateOptions options = DeploymentManifest.parse(with(FILTER + "/settings", settings))
                .manifest().agent().modules().get("filtermodule").createOptions();
        assertThat(options).isEqualTo(Manifests.filterWith(whole));
        assertThat(options.hostConfig().binds()).hasSize(80).last()
                .isEqualTo(new Mount(Mount.Type.BIND, "/var/data/sensor-79", "/data/79", true));
    }

    @Test
    void readsSchema11RoutesWithPriorityAndTimeToLive() {
        String routes = """
                {"urgent": {"route": "FROM /messages/modules/alarm/outputs/* INTO $upstream", "priority": 0, "timeToLiveSecs": 86400},
                 "bulk": {"route": "FROM /messages/modules/filtermodule/outputs/* INTO $upstream", "priority": 9},
                 "plain": "FROM /messages/* INTO $upstream",
                 "unsure": {"route": "FROM /messages/modules/x/outputs/* INTO $upstream", "timeToLiveSecs": 0}}""";
        String manifest = with(HUB + "/routes", json(routes)).replace("\"timeToLiveSecs\":7200", "\"timeToLiveSecs\":600");
        EdgeHubProperties hub = DeploymentManifest.parse(manifest).manifest().hub();
        assertThat(hub.storeAndForwardTimeToLiveSecs()).isEqualTo(600);
        assertThat(hub.routes()).containsExactly(
                Map.entry("urgent", new RouteEntry("FROM /messages/modules/alarm/outputs/* INTO $upstream", 0, 86400)),
                Map.entry("bulk", new RouteEntry("FROM /messages/modules/filtermodule/outputs/* INTO $upstream", 9, 600)),
                Map.entry("plain", new RouteEntry("FROM /messages/* INTO $upstream", RouteEntry.DEFAULT_PRIORITY, 600)),
                Map.entry("unsure", new RouteEntry("FROM /messages/modules/x/outputs/* INTO $upstream", RouteEntry.DEFAULT_PRIORITY, 600)));
    }

    @Test
    void acceptsPatchSchemaVersionsAndDefaultsTheStoreAndForwardTimeToLive() {
        String manifest = with(AGENT + "/schemaVersion", "1.0.9")
                .replace("\"storeAndForwardConfiguration\":{\"timeToLiveSecs\":7200}", "\"storeAndForwardConfiguration\":{}");
        DeploymentManifest read = DeploymentManifest.parse(manifest).manifest();
        assertThat(read.agent().schemaVersion()).isEqualTo("1.0.9");
        assertThat(read.hub().storeAndForwardTimeToLiveSecs()).isEqualTo(EdgeHubProperties.DEFAULT_TIME_TO_LIVE_SECS);
    }

    @Test
    void warnsAboutDesiredPropertiesOfAModuleTheDeploymentDoesNotRun() {
        ParsedManifest read = DeploymentManifest.parse(with("/modulesContent/ghost", json("{\"properties.desired\": {\"a\": 1}}")));
        assertThat(read.warnings()).contains("modulesContent.ghost: desired properties of a module this deployment does not run, ignored");
        assertThat(read.manifest().moduleTwins()).containsOnlyKeys("SimulatedTemperatureSensor");
    }

    @Test
    void aModuleNeedsRecreationWhenItsImageOrConfigurationChanges() {
        EdgeModule current = manifest.agent().modules().get("filtermodule");
        assertThat(current.needsRecreation(filterAfter("/settings/image", "myacr.azurecr.io/filtermodule:0.0.2-amd64"))).isTrue();
        assertThat(current.needsRecreation(filterAfter("/settings/createOptions", "{\"HostConfig\":{\"Memory\":536870912}}"))).isTrue();
        assertThat(current.needsRecreation(filterAfter("/env", json("{\"TemperatureThreshold\": {\"value\": \"30\"}}")))).isTrue();
        assertThat(current.needsRecreation(filterAfter("/version", "1.1"))).isTrue();
    }

    @Test
    void aModuleKeepsItsContainerWhenOnlyHowItRunsChanges() {
        EdgeModule current = manifest.agent().modules().get("filtermodule");
        assertThat(current.needsRecreation(filterAfter("/status", "stopped"))).isFalse();
        assertThat(current.needsRecreation(filterAfter("/restartPolicy", "always"))).isFalse();
        assertThat(current.needsRecreation(filterAfter("/startupOrder", 7))).isFalse();
        // Same options written differently (object instead of string, other key order) are the same options.
        JsonNode sameOptions = json(quickstartFilterOptions());
        assertThat(current.needsRecreation(filterAfter("/settings/createOptions", sameOptions))).isFalse();
    }

    @Test
    void keepsPasswordsOutOfToString() {
        assertThat(manifest.agent().runtime().registryCredentials().get("myacr").toString())
                .contains("myacr.azurecr.io").doesNotContain("not-a-real-password");
    }

    private static EdgeModule filterAfter(String field, Object value) {
        return DeploymentManifest.parse(with(FILTER + field, value)).manifest().agent().modules().get("filtermodule");
    }

    private static String quickstartFilterOptions() {
        JsonNode options = json(json(quickstart()).at(FILTER + "/settings/createOptions").textValue());
        ObjectNode reordered = (ObjectNode) json("{}");
        reordered.set("HostConfig", options.get("HostConfig"));
        options.fields().forEachRemaining(e -> reordered.set(e.getKey(), e.getValue()));
        return reordered.toString();
    }
}
