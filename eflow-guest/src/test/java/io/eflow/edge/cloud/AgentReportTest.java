package io.eflow.edge.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eflow.contract.json.Mappers;
import io.eflow.contract.json.TwinPatch;
import io.eflow.contract.wire.ModuleReport;
import io.eflow.edge.device.ModuleRuntime;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** $edgeAgent's reported properties in IoT Edge's schema, patched by difference; its direct methods. */
class AgentReportTest {
    private static final ObjectMapper JSON = Mappers.standard();
    private static final Instant T = LoggedModules.T;

    private static ModuleReport running(int restarts) {
        return LoggedModules.running(restarts);
    }

    @Test
    void theReportNamesWhatIoTEdgeNames() {
        JsonNode report = AgentReport.of("0.1.0", new AgentReport.DesiredStatus(200, "", 7), Map.of("filter", running(0)));
        assertThat(report.path("schemaVersion").asText()).isEqualTo("1.1");
        assertThat(report.path("lastDesiredStatus").path("code").asInt()).isEqualTo(200);
        assertThat(report.path("lastDesiredVersion").asLong()).isEqualTo(7);
        assertThat(report.path("runtime").path("platform").path("os").asText()).isEqualTo("linux");
        assertThat(report.path("systemModules").path("edgeAgent").path("runtimeStatus").asText()).isEqualTo("running");
        JsonNode filter = report.path("modules").path("filter");
        assertThat(filter.path("runtimeStatus").asText()).isEqualTo("running");
        assertThat(filter.path("restartCount").asInt()).isZero();
        assertThat(filter.path("lastStartTimeUtc").asText()).isEqualTo("2026-12-06T07:00:00Z");
        assertThat(filter.path("settings").path("image").asText()).isEqualTo("localhost:5000/filter:1");
    }

    @Test
    void aPatchCarriesOnlyWhatChangedAndNullsWhatWentAway() {
        Map<String, ModuleReport> two = new LinkedHashMap<>();
        two.put("filter", running(0));
        two.put("sensor", running(0));
        JsonNode before = AgentReport.of("0.1.0", new AgentReport.DesiredStatus(200, "", 7), two);
        assertThat(TwinPatch.diff(before, before)).isEmpty();

        JsonNode after = AgentReport.of("0.1.0", new AgentReport.DesiredStatus(200, "", 8), Map.of("filter", running(1)));
        JsonNode patch = TwinPatch.diff(before, after);
        assertThat(patch.path("lastDesiredVersion").asLong()).isEqualTo(8);
        assertThat(patch.path("modules").path("sensor").isNull()).isTrue();
        assertThat(patch.path("modules").path("filter").path("restartCount").asInt()).isEqualTo(1);
        assertThat(patch.path("modules").path("filter").has("image")).isFalse();
        assertThat(patch.path("modules").path("filter").has("runtimeStatus")).as("unchanged").isFalse();
        assertThat(patch.has("runtime")).isFalse();
        assertThat(TwinPatch.diff(null, after)).isEqualTo(after);
    }

    @Test
    void pingAndRestartModuleAnswerAsIoTEdgeDoes() {
        LoggedModules runtime = new LoggedModules();
        AgentMethods methods = methods(runtime, Clock.systemUTC());
        assertThat(methods.call("ping", JSON.nullNode()).status()).isEqualTo(200);
        assertThat(methods.call("RestartModule", JSON.createObjectNode().put("schemaVersion", "1.0").put("id", "filter"))
                .status()).isEqualTo(200);
        assertThat(methods.call("restartModule", JSON.createObjectNode().put("id", "nope")).status()).isEqualTo(404);
        assertThat(methods.call("RestartModule", JSON.createObjectNode()).status()).isEqualTo(400);
        assertThat(methods.call("RestartModule", JSON.createObjectNode().put("id", "edgeHub")).status()).isEqualTo(400);
        assertThat(methods.call("Reboot", JSON.nullNode()).status()).isEqualTo(501);
        assertThat(runtime.restarted).containsExactly(Map.entry("filter", 1), Map.entry("nope", 1));
    }

    /** The methods as a device of hub.example answers them (the upload methods have their own test). */
    static AgentMethods methods(ModuleRuntime runtime, Clock clock) {
        return new AgentMethods(runtime, Provisionings.identity(
                "HostName=hub.example;DeviceId=edge1;SharedAccessKey=c2VjcmV0LWtleS1vZi1lZGdlMQ==", null), new UploadTasks(), clock);
    }

    private static JsonNode getModuleLogs(String request) throws Exception {
        TwinSession.MethodResponse response = methods(new LoggedModules(), Clock.fixed(T.plusSeconds(3600), ZoneOffset.UTC))
                .call("GetModuleLogs", JSON.readTree(request));
        assertThat(response.status()).as(response.payload().toString()).isEqualTo(200);
        return response.payload();
    }

    @Test
    void getModuleLogsAnswersEachMatchingModuleAsIotEdgeDoes() throws Exception {
        JsonNode all = getModuleLogs("{\"schemaVersion\":\"1.0\",\"items\":[{\"id\":\".*\"}]}");
        assertThat(all).hasSize(2);
        assertThat(all.get(0).path("id").asText()).isEqualTo("filter");
        assertThat(all.get(0).path("payload").asText()).isEqualTo("<6> 2026-12-06 07:00:00.000 +00:00 started\n"
                + "<3> 2026-12-06 07:01:00.000 +00:00 cannot reach edgeHub\n<6> 2026-12-06 07:02:00.000 +00:00 alert 99.5\n");
        assertThat(all.get(1).path("payload").asText()).isEqualTo("reading 1\nreading 2\n");

        JsonNode filtered = getModuleLogs("{\"items\":[{\"id\":\"fil.*\",\"filter\":{\"loglevel\":3}},"
                + "{\"id\":\"tempSensor\",\"filter\":{\"tail\":1}}]}");
        assertThat(filtered.get(0).path("payload").asText()).isEqualTo("<3> 2026-12-06 07:01:00.000 +00:00 cannot reach edgeHub\n");
        assertThat(filtered.get(1).path("payload").asText()).isEqualTo("reading 2\n");

        JsonNode window = getModuleLogs("{\"items\":[{\"id\":\"filter\",\"filter\":{\"since\":\"2026-12-06T07:00:30Z\","
                + "\"until\":\"2026-12-06T07:01:30Z\",\"regex\":\"edgeHub\"}}]}");
        assertThat(window.get(0).path("payload").asText()).isEqualTo("<3> 2026-12-06 07:01:00.000 +00:00 cannot reach edgeHub\n");

        JsonNode json = getModuleLogs("{\"items\":[{\"id\":\"filter\",\"filter\":{\"tail\":1}}],\"contentType\":\"json\","
                + "\"encoding\":\"gzip\"}");
        byte[] gzipped = Base64.getDecoder().decode(json.get(0).path("payloadBytes").asText());
        JsonNode lines = JSON.readTree(new GZIPInputStream(new ByteArrayInputStream(gzipped)).readAllBytes());
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0).path("text").asText()).endsWith("alert 99.5");
        assertThat(lines.get(0).path("loglevel").asInt()).isEqualTo(6);
        assertThat(lines.get(0).path("stream").asText()).isEqualTo("stdout");
        assertThat(lines.get(0).path("timestamp").asText()).isEqualTo("2026-12-06T07:02:00Z");
        assertThat(json.get(0).has("payload")).isFalse();
    }

    @Test
    void getModuleLogsRefusesWhatItCannotRead() throws Exception {
        AgentMethods methods = methods(new LoggedModules(), Clock.systemUTC());
        assertThat(methods.call("GetModuleLogs", JSON.readTree("{\"items\":[{\"id\":\"(\"}]}")).status()).isEqualTo(400);
        assertThat(methods.call("GetModuleLogs", JSON.readTree("{\"items\":[]}")).status()).isEqualTo(400);
        assertThat(methods.call("GetModuleLogs", JSON.readTree("{\"items\":[{\"id\":\".*\",\"filter\":{\"since\":\"yesterday-ish\"}}]}"))
                .status()).isEqualTo(400);
        assertThat(methods.call("GetModuleLogs", JSON.readTree("{\"items\":[{\"id\":\"nothing-matches\"}]}")).payload()).isEmpty();
    }

    @Test
    void twinBookkeepingIsNotPartOfTheDeployment() {
        JsonNode desired = JSON.createObjectNode().put("schemaVersion", "1.1").put("$version", 4)
                .set("$metadata", JSON.createObjectNode());
        assertThat(TwinPatch.withoutMetadata(desired)).isEqualTo(JSON.createObjectNode().put("schemaVersion", "1.1"));
        assertThat(TwinPatch.withoutMetadata(null)).isEmpty();
    }
}
