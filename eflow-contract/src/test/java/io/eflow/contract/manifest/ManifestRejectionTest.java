package io.eflow.contract.manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static io.eflow.contract.manifest.Manifests.AGENT;
import static io.eflow.contract.manifest.Manifests.AGENT_PATH;
import static io.eflow.contract.manifest.Manifests.FILTER;
import static io.eflow.contract.manifest.Manifests.FILTER_PATH;
import static io.eflow.contract.manifest.Manifests.HUB;
import static io.eflow.contract.manifest.Manifests.HUB_PATH;
import static io.eflow.contract.manifest.Manifests.json;
import static io.eflow.contract.manifest.Manifests.quickstart;
import static io.eflow.contract.manifest.Manifests.rejected;
import static io.eflow.contract.manifest.Manifests.with;
import static io.eflow.contract.manifest.Manifests.without;
import static org.assertj.core.api.Assertions.assertThat;

/** Every refusal names the offending field by its JSON path. */
class ManifestRejectionTest {
    private static final String CREATE_OPTIONS = FILTER_PATH + ".settings.createOptions";

    @Test
    void notJsonAtAllIsRefusedAtTheDocumentWithTheParsersPosition() {
        String problem = rejected("{\"modulesContent\": {\n  \"$edgeAgent\": ,\n}}", "$");
        assertThat(problem).startsWith("is not valid JSON: ").contains("(line 2, column 17)");
    }

    @Test
    void anEmptyDocumentIsRefused() {
        assertThat(rejected("  ", "$")).isEqualTo("is empty, not JSON");
    }

    @Test
    void aFieldGivenTwiceIsRefusedRatherThanTheLastOneWinning() {
        assertThat(rejected(quickstart().replace("\"restartPolicy\": \"on-failure\",",
                "\"restartPolicy\": \"on-failure\", \"restartPolicy\": \"never\","), "$")).contains("Duplicate field 'restartPolicy'");
    }

    @Test
    void aDocumentThatIsNotAManifestIsRefused() {
        assertThat(rejected("{\"deployment\": {}}", "modulesContent")).startsWith("is required");
        assertThat(rejected("[1, 2]", "$")).isEqualTo("must be an object, not an array");
    }

    @Test
    void aMissingEdgeAgentIsRefused() {
        assertThat(rejected(without("/modulesContent/$edgeAgent"), "modulesContent.$edgeAgent"))
                .isEqualTo("is required: a deployment has $edgeAgent and $edgeHub");
    }

    @Test
    void aMissingEdgeHubIsRefused() {
        rejected(without("/modulesContent/$edgeHub"), "modulesContent.$edgeHub");
    }

    @Test
    void aLayeredDeploymentIsRefused() {
        String layered = with("/modulesContent/$edgeAgent", json("{\"properties.desired.modules.extra\": {}}"));
        assertThat(rejected(layered, "modulesContent.$edgeAgent.properties.desired.modules.extra")).contains("layered");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2.0", "1.2", "1", "1.1.x", "v1.1"})
    void anUnknownSchemaVersionIsRefused(String version) {
        assertThat(rejected(with(AGENT + "/schemaVersion", version), AGENT_PATH + ".schemaVersion"))
                .startsWith("must be 1.0 or 1.1 (or 1.0.x, 1.1.x)").endsWith("'" + version + "'");
    }

    @Test
    void aSchemaVersionThatIsNotAStringIsRefused() {
        assertThat(rejected(with(HUB + "/schemaVersion", 1.1), HUB_PATH + ".schemaVersion")).isEqualTo("must be a string, not the number 1.1");
    }

    @Test
    void aRuntimeOtherThanDockerIsRefused() {
        assertThat(rejected(with(AGENT + "/runtime/type", "containerd"), AGENT_PATH + ".runtime.type"))
                .isEqualTo("must be \"docker\", not 'containerd'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Sensor.1", "-sensor", "my sensor", "sensor/1", "sensör",
            "a123456789012345678901234567890123456789012345678901234567890123"})
    void aBadModuleNameIsRefused(String name) {
        assertThat(rejected(withModule(name), AGENT_PATH + ".modules." + name)).startsWith("module names are 1-63 letters, digits, '-' or '_'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Sensor-1", "sensor_2", "9lives", "a12345678901234567890123456789012345678901234567890123456789012"})
    void goodModuleNamesAreAccepted(String name) {
        assertThat(DeploymentManifest.parse(withModule(name)).manifest().agent().modules()).containsKey(name);
    }

    @Test
    void moduleNamesStartingWithDollarAreReserved() {
        assertThat(rejected(withModule("$sensor"), AGENT_PATH + ".modules.$sensor")).contains("reserved");
    }

    @Test
    void aSystemModulesNameIsRefusedAmongTheModules() {
        assertThat(rejected(withModule("EdgeHub"), AGENT_PATH + ".modules.EdgeHub")).contains("systemModules");
    }

    @Test
    void moduleNamesDifferingOnlyInCaseAreRefused() {
        assertThat(rejected(withModule("FilterModule"), AGENT_PATH + ".modules.FilterModule"))
                .isEqualTo("differs from module filtermodule only in case, and host names ignore case");
    }

    @Test
    void aMissingImageIsRefused() {
        assertThat(rejected(without(FILTER + "/settings/image"), FILTER_PATH + ".settings.image")).isEqualTo("is required");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "MyAcr.azurecr.io/FilterModule:1 | the repository path must be lowercase",
            "myacr.azurecr.io/filter:-bad | the tag must be",
            "myacr.azurecr.io/filter@sha256:abc123 | the digest must be sha256:",
            "${MODULES.filtermodule} | unexpanded template variable",
            "myacr.azurecr.io:99999/filter | port from 1 to 65535",
            "myacr.azurecr.io/filter--/x | path component 'filter--'",
            "'my filter' | whitespace"})
    void aMalformedImageReferenceIsRefused(String image, String reason) {
        assertThat(rejected(with(FILTER + "/settings/image", image), FILTER_PATH + ".settings.image"))
                .startsWith("'" + image + "' is not an image reference ([registry[:port]/]path[:tag][@sha256:digest]): ")
                .contains(reason);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "status | paused | must be one of running, stopped, not 'paused'",
            "restartPolicy | sometimes | must be one of never, on-failure, on-unhealthy, always, not 'sometimes'",
            "imagePullPolicy | always | must be one of on-create, never, not 'always'",
            "type | rkt | must be \"docker\", not 'rkt'"})
    void aBadModuleSettingIsRefused(String field, String value, String problem) {
        assertThat(rejected(with(FILTER + "/" + field, value), FILTER_PATH + "." + field)).isEqualTo(problem);
    }

    @Test
    void aModuleWithoutStatusIsRefused() {
        rejected(without(FILTER + "/status"), FILTER_PATH + ".status");
    }

    @Test
    void aNegativeStartupOrderIsRefused() {
        assertThat(rejected(with(FILTER + "/startupOrder", -1), FILTER_PATH + ".startupOrder"))
                .isEqualTo("must be an integer from 0 to 4294967295, not -1");
    }

    @Test
    void anEdgeHubThatMayStopIsRefused() {
        rejected(with(AGENT + "/systemModules/edgeHub/status", "stopped"), AGENT_PATH + ".systemModules.edgeHub.status");
        rejected(with(AGENT + "/systemModules/edgeHub/restartPolicy", "never"), AGENT_PATH + ".systemModules.edgeHub.restartPolicy");
    }

    @Test
    void anEnvironmentValueThatIsNotAScalarIsRefused() {
        String env = "{\"A\": {\"value\": [\"x\"]}}";
        assertThat(rejected(with(FILTER + "/env", json(env)), FILTER_PATH + ".env.A.value")).isEqualTo("must be a string, number or true/false");
        rejected(with(FILTER + "/env", json("{\"A=B\": {\"value\": \"x\"}}")), FILTER_PATH + ".env.A=B");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"Env\": \"A=B\"} | Env | must be an array, not a string",
            "{\"Env\": [\"=B\"]} | Env[0] | must be NAME=value, not '=B'",
            "{\"HostConfig\": {\"Memory\": \"lots\"}} | HostConfig.Memory | must be an integer >= 0, not a string",
            "{\"HostConfig\": {\"NanoCpus\": 1.5}} | HostConfig.NanoCpus | must be an integer >= 0, not the number 1.5",
            "{\"HostConfig\": {\"Privileged\": \"yes\"}} | HostConfig.Privileged | must be true or false, not a string",
            "{\"HostConfig\": {\"Binds\": [\"/a:/b\", 5]}} | HostConfig.Binds[1] | must be a string, not the number 5",
            "{\"HostConfig\": {\"Binds\": [\"/a:b\"]}} | HostConfig.Binds[0] | the container path must be absolute, not 'b'",
            "{\"HostConfig\": {\"Binds\": [\"/a:/b:rx\"]}} | HostConfig.Binds[0] | unknown mount option 'rx' (ro, rw, …)",
            "{\"HostConfig\": {\"PortBindings\": {\"80/tcp\": [{\"HostPort\": 8080}]}}} | HostConfig.PortBindings.80/tcp[0].HostPort | must be a string, not the number 8080",
            "{\"HostConfig\": {\"PortBindings\": {\"80/tcp\": [{\"HostPort\": \"80000\"}]}}} | HostConfig.PortBindings.80/tcp[0].HostPort | must be a port from 0 to 65535",
            "{\"ExposedPorts\": {\"80/tcpx\": {}}} | ExposedPorts.80/tcpx | '80/tcpx' is not a container port",
            "{\"HostConfig\": {\"Mounts\": [{\"Type\": \"npipe\", \"Target\": \"/x\"}]}} | HostConfig.Mounts[0].Type | must be one of bind, volume, tmpfs, not 'npipe'",
            "{\"HostConfig\": {\"Mounts\": [{\"Type\": \"bind\", \"Target\": \"/x\"}]}} | HostConfig.Mounts[0].Source | is required",
            "{\"HostConfig\": {\"Devices\": [{\"PathOnHost\": \"dev/ttyUSB0\"}]}} | HostConfig.Devices[0].PathOnHost | must be an absolute path",
            "{\"HostConfig\": {\"Devices\": [{\"PathOnHost\": \"/dev/x\", \"CgroupPermissions\": \"rwx\"}]}} | HostConfig.Devices[0].CgroupPermissions | must be some of r, w and m",
            "{\"HostConfig\": {\"CapAdd\": [\"NET ADMIN\"]}} | HostConfig.CapAdd[0] | must be a capability name",
            "{\"WorkingDir\": \"app\"} | WorkingDir | must be an absolute path, not 'app'",
            "{\"Labels\": {\"a\": 1}} | Labels.a | must be a string, not the number 1",
            "{\"HostConfig\": []} | HostConfig | must be an object, not an array",
            "{\"Healthcheck\": {\"Test\": \"curl -f http://localhost/\"}} | Healthcheck.Test | must be an array, not a string",
            "{\"Healthcheck\": {\"Test\": [\"CMD\", 1]}} | Healthcheck.Test[1] | must be a string, not the number 1",
            "{\"Healthcheck\": {\"Test\": [\"RUN\", \"x\"]}} | Healthcheck.Test | must start with NONE, CMD or CMD-SHELL, not 'RUN'",
            "{\"Healthcheck\": {\"Test\": [\"CMD-SHELL\"]}} | Healthcheck.Test | must give a command after CMD-SHELL",
            "{\"Healthcheck\": {\"Interval\": \"30s\"}} | Healthcheck.Interval | must be an integer >= 0, not a string",
            "{\"Healthcheck\": {\"Timeout\": 1.5}} | Healthcheck.Timeout | must be an integer >= 0, not the number 1.5",
            "{\"Healthcheck\": {\"StartPeriod\": 500}} | Healthcheck.StartPeriod | must be 0 (the image's or Docker's default) or at least 1000000 nanoseconds (1 ms), not 500",
            "{\"Healthcheck\": {\"Retries\": -1}} | Healthcheck.Retries | must be an integer from 0 to 2147483647, not -1",
            "{\"Healthcheck\": {\"Retries\": \"3\"}} | Healthcheck.Retries | must be an integer from 0 to 2147483647, not a string",
            "{\"Healthcheck\": [\"CMD\", \"true\"]} | Healthcheck | must be an object, not an array",
            "[] | $createOptions | must be an object, not an array"})
    void aWrongValueInsideStringifiedCreateOptionsIsRefusedWithThePathIntoThem(String options, String field, String problem) {
        String path = field.equals("$createOptions") ? CREATE_OPTIONS : CREATE_OPTIONS + "." + field;
        assertThat(rejected(with(FILTER + "/settings/createOptions", options), path)).startsWith(problem);
    }

    @Test
    void aWrongValueInCreateOptionsGivenAsAnObjectIsRefusedTheSameWay() {
        rejected(with(FILTER + "/settings/createOptions", json("{\"HostConfig\": {\"Memory\": \"lots\"}}")),
                CREATE_OPTIONS + ".HostConfig.Memory");
    }

    @Test
    void createOptionsThatAreAStringButNotJsonAreRefused() {
        assertThat(rejected(with(FILTER + "/settings/createOptions", "{\"HostConfig\": "), CREATE_OPTIONS))
                .startsWith("is not valid JSON: ").contains("line 1");
    }

    @Test
    void createOptionsOfAnotherTypeAreRefused() {
        assertThat(rejected(with(FILTER + "/settings/createOptions", 42), CREATE_OPTIONS))
                .isEqualTo("must be Docker's create options as an object or as a JSON string");
    }

    @Test
    void aGapInTheCreateOptionsPartsIsRefused() {
        String settings = "{\"image\": \"alpine\", \"createOptions\": \"{\\\"Env\\\":\", \"createOptions02\": \"[]}\"}";
        assertThat(rejected(with(FILTER + "/settings", json(settings)), FILTER_PATH + ".settings.createOptions02"))
                .startsWith("breaks the numbering of the createOptions parts: expected createOptions01");
    }

    @Test
    void createOptionsPartsWithoutTheFirstAreRefused() {
        String settings = "{\"image\": \"alpine\", \"createOptions01\": \"{}\"}";
        assertThat(rejected(with(FILTER + "/settings", json(settings)), FILTER_PATH + ".settings.createOptions01"))
                .isEqualTo("continues createOptions, which is missing");
    }

    @ParameterizedTest
    @ValueSource(strings = {"username", "password", "address"})
    void registryCredentialsMissingAFieldAreRefused(String field) {
        String credential = AGENT + "/runtime/settings/registryCredentials/myacr";
        rejected(without(credential + "/" + field), AGENT_PATH + ".runtime.settings.registryCredentials.myacr." + field);
    }

    @Test
    void aRegistryAddressWithASchemeIsRefused() {
        String address = AGENT + "/runtime/settings/registryCredentials/myacr/address";
        assertThat(rejected(with(address, "https://myacr.azurecr.io"), AGENT_PATH + ".runtime.settings.registryCredentials.myacr.address"))
                .startsWith("must be a registry host[:port]");
    }

    @Test
    void aRouteObjectNeedsSchema11() {
        String manifest = with(HUB + "/routes/sensorToFilter", json("{\"route\": \"FROM /messages/* INTO $upstream\"}"));
        assertThat(rejected(manifest.replace("\"schemaVersion\":\"1.1\",\"routes\"", "\"schemaVersion\":\"1.0\",\"routes\""),
                HUB_PATH + ".routes.sensorToFilter")).contains("need $edgeHub schemaVersion 1.1");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"route\": \"FROM /messages/* INTO $upstream\", \"priority\": 10} | .priority | must be an integer from 0 to 9, not 10",
            "{\"route\": \"FROM /messages/* INTO $upstream\", \"timeToLiveSecs\": -1} | .timeToLiveSecs | must be an integer from 0 to 4294967295, not -1",
            "{\"priority\": 1} | .route | is required",
            "{\"route\": \" \"} | .route | must not be empty",
            "7 | '' | must be a route string or an object",
            "{\"route\": \"FROM /messages/* INT $upstream\"} | .route | at column 18: expected WHERE or INTO, found 'INT'",
            "\"FROM /messages/* WHERE temperature > INTO $upstream\" | '' | at column 38: ",
            "\"FROM /messages/* INTO BrokeredEndpoint(\\\"/modules/filter\\\")\" | '' | at column 40: a BrokeredEndpoint is"})
    void aBadSchema11RouteIsRefused(String route, String field, String problem) {
        assertThat(rejected(with(HUB + "/routes/r1", json(route)), HUB_PATH + ".routes.r1" + field)).startsWith(problem);
    }

    @Test
    void aNegativeStoreAndForwardTimeToLiveIsRefused() {
        rejected(with(HUB + "/storeAndForwardConfiguration/timeToLiveSecs", -5), HUB_PATH + ".storeAndForwardConfiguration.timeToLiveSecs");
    }

    /** The quickstart with one more module, a copy of filtermodule under the given name. */
    private static String withModule(String name) {
        return with(AGENT + "/modules/" + name.replace("~", "~0").replace("/", "~1"), json(quickstart()).at(FILTER));
    }
}
