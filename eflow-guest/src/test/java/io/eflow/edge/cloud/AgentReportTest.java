package io.eflow.edge.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eflow.contract.json.Mappers;
import io.eflow.contract.manifest.ParsedManifest;
import io.eflow.contract.wire.ModuleReport;
import io.eflow.edge.device.ModuleRuntime;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** $edgeAgent's reported properties in IoT Edge's schema, patched by difference; its direct methods. */
class AgentReportTest {
    private static final ObjectMapper JSON = Mappers.standard();
    private static final Instant T = Instant.parse("2026-12-06T07:00:00Z");

    private static ModuleReport running(int restarts) {
        return new ModuleReport("running", null, null, restarts, T, null, null, "1.0", "docker", "running", "always",
                "localhost:5000/filter:1", "sha256:ab", 0);
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
        assertThat(AgentReport.patch(before, before)).isEmpty();

        JsonNode after = AgentReport.of("0.1.0", new AgentReport.DesiredStatus(200, "", 8), Map.of("filter", running(1)));
        JsonNode patch = AgentReport.patch(before, after);
        assertThat(patch.path("lastDesiredVersion").asLong()).isEqualTo(8);
        assertThat(patch.path("modules").path("sensor").isNull()).isTrue();
        assertThat(patch.path("modules").path("filter").path("restartCount").asInt()).isEqualTo(1);
        assertThat(patch.path("modules").path("filter").has("image")).isFalse();
        assertThat(patch.path("modules").path("filter").has("runtimeStatus")).as("unchanged").isFalse();
        assertThat(patch.has("runtime")).isFalse();
        assertThat(AgentReport.patch(null, after)).isEqualTo(after);
    }

    @Test
    void pingAndRestartModuleAnswerAsIoTEdgeDoes() {
        Map<String, Integer> restarted = new LinkedHashMap<>();
        ModuleRuntime runtime = new ModuleRuntime() {
            @Override
            public ParsedManifest apply(String manifest) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Optional<JsonNode> deployment() {
                return Optional.empty();
            }

            @Override
            public Map<String, ModuleReport> modules() {
                return Map.of("filter", running(0));
            }

            @Override
            public boolean restart(String module) {
                restarted.merge(module, 1, Integer::sum);
                return module.equals("filter");
            }
        };
        AgentMethods methods = new AgentMethods(runtime);
        assertThat(methods.call("ping", JSON.nullNode()).status()).isEqualTo(200);
        assertThat(methods.call("RestartModule", JSON.createObjectNode().put("schemaVersion", "1.0").put("id", "filter"))
                .status()).isEqualTo(200);
        assertThat(methods.call("restartModule", JSON.createObjectNode().put("id", "nope")).status()).isEqualTo(404);
        assertThat(methods.call("RestartModule", JSON.createObjectNode()).status()).isEqualTo(400);
        assertThat(methods.call("RestartModule", JSON.createObjectNode().put("id", "edgeHub")).status()).isEqualTo(400);
        assertThat(methods.call("Reboot", JSON.nullNode()).status()).isEqualTo(501);
        assertThat(restarted).containsExactly(Map.entry("filter", 1), Map.entry("nope", 1));
    }

    @Test
    void twinBookkeepingIsNotPartOfTheDeployment() {
        JsonNode desired = JSON.createObjectNode().put("schemaVersion", "1.1").put("$version", 4)
                .set("$metadata", JSON.createObjectNode());
        assertThat(AgentTwin.withoutMetadata(desired)).isEqualTo(JSON.createObjectNode().put("schemaVersion", "1.1"));
        assertThat(AgentTwin.withoutMetadata(null)).isEmpty();
    }
}
