package io.eflow.iothub.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.contract.json.Mappers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of the Node scenarios in {@code src/test/node} (the official Azure IoT SDKs, installed by the build's
 * {@code npm ci}) against an emulator and returns the JSON outcome it prints.
 */
final class NodeSdk {
    static final Path SCENARIOS = Path.of("src", "test", "node").toAbsolutePath();
    private static final long TIMEOUT_SECONDS = 90;

    private NodeSdk() {
    }

    static JsonNode run(IotHubEmulator emulator, String script) throws IOException, InterruptedException {
        return run(emulator, script, Map.of());
    }

    /** @param extra more environment for the script */
    static JsonNode run(IotHubEmulator emulator, String script, Map<String, String> extra)
            throws IOException, InterruptedException {
        if (!Files.isDirectory(SCENARIOS.resolve("node_modules"))) {
            throw new IllegalStateException(SCENARIOS.resolve("node_modules") + " is missing: the build installs the SDKs"
                    + " with npm ci (./mvnw -pl iothub-emulator test), which needs node and npm (scripts/install-host-deps)");
        }
        Path output = Files.createTempFile("sdk-" + script, ".out");
        ProcessBuilder builder = new ProcessBuilder(List.of("node", script)).directory(SCENARIOS.toFile())
                .redirectOutput(output.toFile()).redirectErrorStream(false)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        Map<String, String> environment = builder.environment();
        environment.put("IOTHUB_CONNECTION_STRING", emulator.serviceConnectionString());
        environment.put("IOTHUB_MQTT_PORT", Integer.toString(emulator.mqttPort()));
        environment.put("IOTHUB_HTTPS_PORT", Integer.toString(emulator.httpsPort()));
        environment.put("DPS_ID_SCOPE", emulator.provisioning().idScope());
        environment.put("DPS_CONNECTION_STRING", emulator.provisioning().serviceConnectionString());
        // Node trusts the emulator's CA beside its own for every TLS connection, MQTT and HTTPS alike
        environment.put("NODE_EXTRA_CA_CERTS", emulator.caCertificate().toString());
        environment.putAll(extra);
        Process node = builder.start();
        try {
            if (!node.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("node " + script + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            String text = Files.readString(output, StandardCharsets.UTF_8).strip();
            if (node.exitValue() != 0 || text.isEmpty()) {
                throw new IllegalStateException("node " + script + " failed (exit " + node.exitValue() + "; its errors are"
                        + " above): " + text);
            }
            String last = text.substring(text.lastIndexOf('\n') + 1);
            return Mappers.standard().readTree(last);
        } finally {
            node.destroyForcibly();
            Files.deleteIfExists(output);
        }
    }
}
