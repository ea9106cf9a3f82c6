package io.eflow.edge.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eflow.contract.json.Mappers;
import io.eflow.contract.manifest.ParsedManifest;
import io.eflow.contract.wire.LogLine;
import io.eflow.contract.wire.ModuleReport;
import io.eflow.edge.device.ModuleRuntime;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The agent's port with two modules' logs, as the agent keeps them: filter writes IoT Edge's recommended format,
 * tempSensor plain lines. Restarts are counted (filter exists); the deployment is a fixed one.
 */
final class LoggedModules implements ModuleRuntime {
    private static final ObjectMapper JSON = Mappers.standard();
    static final Instant T = Instant.parse("2026-12-06T07:00:00Z");
    private static final Map<String, List<LogLine>> LOGS = Map.of(
            "filter", List.of(new LogLine(T, "stdout", "<6> 2026-12-06 07:00:00.000 +00:00 started"),
                    new LogLine(T.plusSeconds(60), "stderr", "<3> 2026-12-06 07:01:00.000 +00:00 cannot reach edgeHub"),
                    new LogLine(T.plusSeconds(120), "stdout", "<6> 2026-12-06 07:02:00.000 +00:00 alert 99.5")),
            "tempSensor", List.of(new LogLine(T, "stdout", "reading 1"), new LogLine(T.plusSeconds(1), "stdout", "reading 2")));

    final Map<String, Integer> restarted = new LinkedHashMap<>();

    static ModuleReport running(int restarts) {
        return new ModuleReport("running", null, null, restarts, T, null, null, "1.0", "docker", "running", "always",
                "localhost:5000/filter:1", "sha256:ab", 0);
    }

    @Override
    public ParsedManifest apply(String manifest) {
        throw new UnsupportedOperationException("these tests read logs and reports; none applies a deployment");
    }

    @Override
    public Optional<JsonNode> deployment() {
        return Optional.of(JSON.createObjectNode().set("modulesContent", JSON.createObjectNode()));
    }

    @Override
    public Map<String, ModuleReport> modules() {
        Map<String, ModuleReport> modules = new LinkedHashMap<>();
        modules.put("filter", running(0));
        modules.put("tempSensor", running(0));
        return modules;
    }

    @Override
    public boolean restart(String module) {
        restarted.merge(module, 1, Integer::sum);
        return module.equals("filter");
    }

    @Override
    public List<LogLine> logs(String module, int tail, Optional<Instant> since) {
        List<LogLine> lines = LOGS.get(module).stream().filter(l -> since.map(s -> !l.time().isBefore(s)).orElse(true)).toList();
        return tail < 0 || tail >= lines.size() ? lines : lines.subList(lines.size() - tail, lines.size());
    }
}
