package io.eflow.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.platform.Exec;
import io.eflow.platform.Json;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * WorkloadIT's module image without a guest: node with every library it loads, the SDK and the script in it, run as
 * uid 1000; and the script starts on the host's node, finds the SDK, and stops at once without IoT Edge's variables.
 */
class NodeModuleImageTest {
    @Test
    void lddLinesGiveTheLibrariesAndTheLoader() {
        String ldd = """
                \tlinux-vdso.so.1 (0x00007ffd5a9f2000)
                \tlibdl.so.2 => /lib/x86_64-linux-gnu/libdl.so.2 (0x00007f7d82632000)
                \tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f7d8211e000)
                \t/lib64/ld-linux-x86-64.so.2 (0x00007f7d8264b000)
                """;
        assertThat(NodeModuleImage.parseLdd(ldd)).containsExactly(Path.of("/lib/x86_64-linux-gnu/libdl.so.2"),
                Path.of("/lib/x86_64-linux-gnu/libc.so.6"), Path.of("/lib64/ld-linux-x86-64.so.2"));
        assertThatThrownBy(() -> NodeModuleImage.parseLdd("\tlibgone.so.1 => not found\n")).hasMessageContaining("libgone.so.1");
    }

    @Test
    void theImageHasNodeItsLibrariesTheSdkAndTheScript(@TempDir Path work) throws Exception {
        Path tar = NodeModuleImage.build(work);
        Map<String, Integer> files = new HashMap<>();
        JsonNode config = null;
        try (TarArchiveInputStream outer = new TarArchiveInputStream(Files.newInputStream(tar))) {
            for (TarArchiveEntry blob; (blob = outer.getNextEntry()) != null; ) {
                if (!blob.isFile() || !blob.getName().startsWith("blobs/")) {
                    continue;
                }
                byte[] bytes = outer.readAllBytes();
                if (bytes.length > 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b) {
                    files.putAll(layer(new GZIPInputStream(new ByteArrayInputStream(bytes))));
                } else {
                    JsonNode json = Json.MAPPER.readTree(bytes);
                    if (json.has("config") && json.path("config").has("Entrypoint")) {
                        config = json.path("config");
                    }
                }
            }
        }
        assertThat(files).containsKeys("usr/bin/node", "app/module.js", "app/package-lock.json", "etc/passwd", "etc/nsswitch.conf",
                "app/node_modules/azure-iot-device/package.json", "app/node_modules/azure-iot-device-mqtt/package.json",
                "app/node_modules/mqtt/package.json");
        assertThat(files.get("usr/bin/node") & 0777).isEqualTo(0755);
        for (Path library : NodeModuleImage.libraries(NodeModuleImage.NODE)) {
            assertThat(files).as("ldd's " + library).containsKey(library.toString().substring(1));
        }
        assertThat(files.keySet()).noneMatch(name -> name.contains("/.bin/"));
        assertThat(config).as("the image's config").isNotNull();
        assertThat(config.path("User").asText()).isEqualTo("1000:1000");
        assertThat(config.path("Entrypoint").toString()).isEqualTo("[\"/usr/bin/node\",\"/app/module.js\"]");
        assertThat(NodeModuleImage.build(work)).as("built once").isEqualTo(tar);
    }

    @Test
    void theScriptStartsOnTheHostsNodeAndNeedsIotEdgesVariables() {
        Exec.Result run = Exec.of(List.of(NodeModuleImage.NODE.toString(), "module.js")).in(NodeModuleImage.SOURCES)
                .env("IOTEDGE_WORKLOADURI", "").timeoutSeconds(60).run();
        assertThat(run.exitCode()).as(run.stdout() + run.stderr()).isEqualTo(1);
        assertThat(run.stdout()).startsWith("environment {").contains("failed")
                .contains("Environment variable IOTEDGE_WORKLOADURI was not provided");
    }

    /** Each file or folder of one layer with its mode. */
    private static Map<String, Integer> layer(InputStream in) throws IOException {
        Map<String, Integer> entries = new HashMap<>();
        try (TarArchiveInputStream layer = new TarArchiveInputStream(in, StandardCharsets.UTF_8.name())) {
            for (TarArchiveEntry entry; (entry = layer.getNextEntry()) != null; ) {
                String name = entry.getName();
                while (name.startsWith("/") || name.startsWith("./")) {
                    name = name.substring(name.startsWith("/") ? 1 : 2);
                }
                if (name.endsWith("/")) {
                    name = name.substring(0, name.length() - 1);
                }
                entries.put(name, entry.getMode());
            }
        }
        return entries;
    }
}
