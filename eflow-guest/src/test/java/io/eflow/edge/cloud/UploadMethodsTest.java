package io.eflow.edge.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.contract.iothub.SasToken;
import io.eflow.contract.json.Mappers;
import io.eflow.iothub.emulator.EmulatorOptions;
import io.eflow.iothub.emulator.IotHubEmulator;
import io.eflow.iothub.emulator.registry.DeviceSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * $edgeAgent's upload methods end to end, through the agent's method handler: logs and support bundles go over TLS
 * (the device's trust bundle, the emulator's private CA) into the IoT Hub emulator's blob store, as Azure Storage's
 * Put Blob, and are read back; GetTaskStatus follows each upload to its end. The agent's port is two modules' logs.
 */
class UploadMethodsTest {
    private static final ObjectMapper JSON = Mappers.standard();
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** An hour after the logs' first line: the blobs' names carry this time. */
    private static final Clock CLOCK = Clock.fixed(LoggedModules.T.plusSeconds(3600), ZoneOffset.UTC);
    private static final String STAMP = "2026-12-06--08-00-00";

    @TempDir
    Path dir;
    private IotHubEmulator emulator;
    private HttpClient http;
    private String caPem;
    private String connectionString;
    private final UploadTasks tasks = new UploadTasks();

    @BeforeEach
    void start() throws IOException {
        emulator = IotHubEmulator.start(new EmulatorOptions("localhost", "127.0.0.1", 0, 0, dir.resolve("iothub")));
        caPem = Files.readString(emulator.caCertificate(), StandardCharsets.US_ASCII);
        http = HttpClient.newBuilder().sslContext(TrustBundle.of(Optional.of(caPem)).sslContext()).build();
        String key = emulator.registry().putDevice(new DeviceSpec("edge-u", Optional.empty(), Optional.empty(), Optional.of(true),
                Optional.empty()), Optional.empty()).credentials().primaryKey().orElseThrow();
        connectionString = "HostName=localhost;DeviceId=edge-u;SharedAccessKey=" + key;
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    /** The handler of a device that trusts {@code trustBundle} beyond the public CAs. */
    private AgentMethods methods(String trustBundle) {
        return new AgentMethods(new LoggedModules(), Provisionings.identity(
                connectionString, trustBundle), tasks, CLOCK);
    }

    private static JsonNode payload(String json, String sasUrl) throws IOException {
        ObjectNode payload = (ObjectNode) JSON.readTree(json);
        return sasUrl == null ? payload : payload.put("sasUrl", sasUrl);
    }

    /** Calls an upload method, which answers at once with its task; waits for the task to end and answers its state. */
    private JsonNode upload(AgentMethods methods, String method, JsonNode payload) {
        TwinSession.MethodResponse started = methods.call(method, payload);
        assertThat(started.status()).as(started.payload().toString()).isEqualTo(200);
        assertThat(started.payload().path("status").asText()).isIn("NotStarted", "Running");
        assertThat(started.payload().path("message").asText()).isEmpty();
        String id = started.payload().path("correlationId").asText();
        assertThat(id).matches("[0-9a-f-]{36}");
        await().atMost(WAIT).until(() -> !List.of("NotStarted", "Running").contains(status(methods, id).path("status").asText()));
        JsonNode status = status(methods, id);
        assertThat(status.path("correlationId").asText()).isEqualTo(id);
        return status;
    }

    private static JsonNode status(AgentMethods methods, String id) {
        TwinSession.MethodResponse response = methods.call("GetTaskStatus",
                JSON.createObjectNode().put("schemaVersion", "1.0").put("correlationId", id));
        assertThat(response.status()).isEqualTo(200);
        return response.payload();
    }

    /** A container SAS URL from the emulator's service side, as a cloud operator would make one. */
    private String sasUrl(String container) throws Exception {
        HttpResponse<String> minted = http.send(service("/emulator/blobs/" + container).POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(minted.statusCode()).as(minted.body()).isEqualTo(200);
        return JSON.readTree(minted.body()).path("sasUrl").asText();
    }

    private List<String> names(String container) throws Exception {
        HttpResponse<String> listed = http.send(service("/emulator/blobs/" + container).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        return List.of(JSON.readValue(listed.body(), String[].class));
    }

    private byte[] blob(String sasUrl, String name) throws Exception {
        URI container = URI.create(sasUrl);
        HttpResponse<byte[]> read = http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + emulator.httpsPort()
                + container.getRawPath() + "/" + name + "?" + container.getRawQuery())).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(read.statusCode()).isEqualTo(200);
        return read.body();
    }

    private HttpRequest.Builder service(String path) {
        return HttpRequest.newBuilder(URI.create("https://localhost:" + emulator.httpsPort() + path)).header("Authorization",
                SasToken.sign("localhost", emulator.registry().ownerKey(), Instant.now().plusSeconds(600),
                        Optional.of("iothubowner")).toString());
    }

    @Test
    void moduleLogsAreUploadedOneBlobPerModuleNamedAsIotEdgeNamesThem() throws Exception {
        AgentMethods methods = methods(caPem);
        String sasUrl = sasUrl("logs");

        JsonNode text = upload(methods, "UploadModuleLogs", payload("{\"schemaVersion\":\"1.0\",\"items\":[{\"id\":\".*\"}],"
                + "\"encoding\":\"none\",\"contentType\":\"text\"}", sasUrl));
        assertThat(text.path("status").asText()).as(text.toString()).isEqualTo("Completed");
        assertThat(text.path("message").asText()).isEmpty();
        assertThat(names("logs")).containsExactly("localhost/edge-u/filter-" + STAMP + ".log",
                "localhost/edge-u/tempSensor-" + STAMP + ".log");
        assertThat(new String(blob(sasUrl, "localhost/edge-u/filter-" + STAMP + ".log"), StandardCharsets.UTF_8))
                .isEqualTo("<6> 2026-12-06 07:00:00.000 +00:00 started\n<3> 2026-12-06 07:01:00.000 +00:00 cannot reach edgeHub\n"
                        + "<6> 2026-12-06 07:02:00.000 +00:00 alert 99.5\n");
        assertThat(new String(blob(sasUrl, "localhost/edge-u/tempSensor-" + STAMP + ".log"), StandardCharsets.UTF_8))
                .isEqualTo("reading 1\nreading 2\n");

        // GetModuleLogs' filters and forms, here gzipped JSON of filter's errors
        String jsonSas = sasUrl("json");
        JsonNode json = upload(methods, "UploadModuleLogs", payload("{\"schemaVersion\":\"1.0\",\"items\":[{\"id\":\"fil.*\","
                + "\"filter\":{\"loglevel\":3}}],\"encoding\":\"gzip\",\"contentType\":\"json\"}", jsonSas));
        assertThat(json.path("status").asText()).as(json.toString()).isEqualTo("Completed");
        assertThat(names("json")).containsExactly("localhost/edge-u/filter-" + STAMP + ".json.gz");
        JsonNode lines = JSON.readTree(new GZIPInputStream(new ByteArrayInputStream(
                blob(jsonSas, "localhost/edge-u/filter-" + STAMP + ".json.gz"))).readAllBytes());
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0).path("text").asText()).endsWith("cannot reach edgeHub");
        assertThat(lines.get(0).path("loglevel").asInt()).isEqualTo(3);
        assertThat(lines.get(0).path("stream").asText()).isEqualTo("stderr");
    }

    @Test
    void aSupportBundleIsOneZipOfEachModulesLogAndTheAgentsView() throws Exception {
        String sasUrl = sasUrl("bundles");
        JsonNode done = upload(methods(caPem), "UploadSupportBundle", payload("{\"schemaVersion\":\"1.0\","
                + "\"since\":\"2026-12-06T06:00:00Z\",\"until\":\"2026-12-06T07:00:30Z\",\"edgeRuntimeOnly\":false}", sasUrl));
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("Completed");
        String name = "localhost/edge-u/support-bundle-" + STAMP + ".zip";
        assertThat(names("bundles")).containsExactly(name);

        Map<String, String> entries = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(blob(sasUrl, name)))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                entries.put(entry.getName(), new String(zip.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        assertThat(entries).containsOnlyKeys("logs/filter_log.txt", "logs/tempSensor_log.txt", "modules.json", "deployment.json");
        assertThat(entries.get("logs/filter_log.txt")).as("until 07:00:30").isEqualTo("<6> 2026-12-06 07:00:00.000 +00:00 started\n");
        assertThat(entries.get("logs/tempSensor_log.txt")).isEqualTo("reading 1\nreading 2\n");
        JsonNode modules = JSON.readTree(entries.get("modules.json"));
        assertThat(modules.at("/filter/runtimeStatus").asText()).isEqualTo("running");
        assertThat(modules.at("/tempSensor/image").asText()).isEqualTo("localhost:5000/filter:1");
        assertThat(JSON.readTree(entries.get("deployment.json")).has("modulesContent")).isTrue();

        // the edge runtime only: the agent's view, no module's log
        String runtimeSas = sasUrl("runtime");
        assertThat(upload(methods(caPem), "UploadSupportBundle", payload("{\"edgeRuntimeOnly\":true}", runtimeSas))
                .path("status").asText()).isEqualTo("Completed");
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(blob(runtimeSas, name)))) {
            assertThat(zip.getNextEntry().getName()).isEqualTo("modules.json");
        }
    }

    @Test
    void aWrongSignatureOrAnUntrustedServerEndsFailedWithoutQuotingTheSignature() throws Exception {
        String sasUrl = sasUrl("logs");
        String signature = sasUrl.replaceAll(".*[?&]sig=([^&]+).*", "$1");
        String forged = sasUrl.replace("sig=" + signature, "sig=AAAA" + signature.substring(4));

        JsonNode refused = upload(methods(caPem), "UploadModuleLogs", payload("{\"items\":[{\"id\":\"filter\"}]}", forged));
        assertThat(refused.path("status").asText()).isEqualTo("Failed");
        assertThat(refused.path("message").asText()).contains("403", "AuthenticationFailed", "/blobs/logs")
                .doesNotContain(signature.substring(4)).doesNotContain("sig=");

        // a device that does not trust the emulator's CA refuses its TLS, as it would refuse any server's it cannot verify
        JsonNode untrusted = upload(methods(null), "UploadSupportBundle", payload("{}", sasUrl));
        assertThat(untrusted.path("status").asText()).isEqualTo("Failed");
        assertThat(untrusted.path("message").asText()).isNotEmpty().doesNotContain(signature);
        assertThat(names("logs")).isEmpty();
    }

    @Test
    void badRequestsAreAnswered400AndStartNothingAndAnUnknownIdIsUnknown() throws Exception {
        AgentMethods methods = methods(caPem);
        String sasUrl = sasUrl("logs");
        String signature = sasUrl.replaceAll(".*[?&]sig=([^&]+).*", "$1");
        String items = "{\"items\":[{\"id\":\".*\"}]}";
        List<Map.Entry<String, JsonNode>> refused = List.of(
                Map.entry("UploadModuleLogs", payload(items, null)),
                Map.entry("uploadModuleLogs", payload(items, sasUrl.replace("https://", "http://"))),
                Map.entry("UploadModuleLogs", payload(items, "https://localhost:1/logs?sv=2020-08-04&sp=rw")),
                Map.entry("UPLOADMODULELOGS", payload(items, "https://localhost:1/?sig=abc")),
                Map.entry("UploadModuleLogs", payload(items, "not a url at all")),
                Map.entry("UploadModuleLogs", payload("{\"items\":[{\"id\":\"(\"}]}", sasUrl)),
                Map.entry("UploadModuleLogs", payload("{\"items\":[]}", sasUrl)),
                Map.entry("UploadSupportBundle", payload("{}", null)),
                Map.entry("UploadSupportBundle", payload("{\"since\":\"yesterday-ish\"}", sasUrl)),
                Map.entry("UploadSupportBundle", payload("{}", "ftp://localhost/logs?sig=abc")),
                Map.entry("GetTaskStatus", payload("{\"schemaVersion\":\"1.0\"}", null)));
        for (Map.Entry<String, JsonNode> call : refused) {
            TwinSession.MethodResponse response = methods.call(call.getKey(), call.getValue());
            assertThat(response.status()).as(call.toString()).isEqualTo(400);
            assertThat(response.payload().path("message").asText()).as(call.toString()).isNotBlank().doesNotContain("\n")
                    .doesNotContain(signature).doesNotContain("abc");
            assertThat(response.payload().has("correlationId")).isFalse();
        }
        assertThat(names("logs")).isEmpty();

        JsonNode unknown = status(methods, "00000000-0000-0000-0000-000000000000");
        assertThat(unknown.path("status").asText()).isEqualTo("Unknown");
        assertThat(unknown.path("correlationId").asText()).isEqualTo("00000000-0000-0000-0000-000000000000");
    }
}
