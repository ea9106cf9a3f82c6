package io.eflow.edge.hub.sdk;

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
 * Runs one of this module's Node scripts ({@code src/test/node}) on the official Azure IoT Node SDKs, as the IoT Hub
 * emulator's build installs them (npm ci) beside this module, and returns the JSON line it printed last.
 */
public final class NodeScript {
    private static final Path NODE_MODULES = Path.of("..", "iothub-emulator", "src", "test", "node", "node_modules")
            .toAbsolutePath().normalize();
    private static final Path SCRIPTS = Path.of("src", "test", "node").toAbsolutePath();

    private NodeScript() {
    }

    /**
     * @param environment what the script reads; nothing else of the test's IOTEDGE_ or connection-string variables
     *                    reaches it
     */
    public static JsonNode run(String script, Map<String, String> environment, long timeoutSeconds)
            throws IOException, InterruptedException {
        if (!Files.isDirectory(NODE_MODULES)) {
            throw new IllegalStateException(NODE_MODULES + " is missing: the build installs the SDKs with npm ci"
                    + " (./mvnw -pl eflow-guest -am test builds the IoT Hub emulator first)");
        }
        Path output = Files.createTempFile("node-" + script, ".out");
        ProcessBuilder builder = new ProcessBuilder(List.of("node", SCRIPTS.resolve(script).toString()))
                .redirectOutput(output.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().keySet().removeIf(name -> name.startsWith("IOTEDGE_") || name.contains("ConnectionString"));
        builder.environment().put("NODE_PATH", NODE_MODULES.toString());
        builder.environment().putAll(environment);
        Process node = builder.start();
        try {
            if (!node.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                throw new IllegalStateException("node " + script + " did not finish in " + timeoutSeconds + " s");
            }
            String text = Files.readString(output, StandardCharsets.UTF_8).strip();
            if (node.exitValue() != 0 || text.isEmpty()) {
                throw new IllegalStateException("node " + script + " failed (exit " + node.exitValue() + "; its errors are"
                        + " above): " + text);
            }
            return Mappers.standard().readTree(text.substring(text.lastIndexOf('\n') + 1));
        } finally {
            node.destroyForcibly();
            Files.deleteIfExists(output);
        }
    }
}
