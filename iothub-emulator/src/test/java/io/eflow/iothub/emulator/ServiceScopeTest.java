package io.eflow.iothub.emulator;

import io.eflow.contract.iothub.SasToken;
import io.eflow.iothub.emulator.registry.DeviceIdentity;
import io.eflow.iothub.emulator.registry.DeviceSpec;
import io.eflow.iothub.emulator.registry.IdentityRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edge device's own scope (it manages its own modules' identities with its device key, as IoT Edge's identity
 * service does, and nothing else) and the blob endpoint IoT Edge uploads logs to, over plain HTTPS.
 */
class ServiceScopeTest {
    @TempDir
    static Path state;
    static IotHubEmulator emulator;
    static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        emulator = IotHubEmulator.start(new EmulatorOptions("localhost", "127.0.0.1", 0, 0, state));
        http = HttpClient.newBuilder().sslContext(Trust.of(emulator.caCertificate())).build();
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @Test
    void anEdgeDeviceManagesItsOwnModulesWithItsDeviceKeyAndNothingElse() throws Exception {
        String edge = deviceToken(device("edge1", true));
        String plain = deviceToken(device("plain1", false));
        device("other", true);

        HttpResponse<String> created = send("PUT", "/devices/edge1/modules/tempSensor", edge, "{\"moduleId\":\"tempSensor\"}");
        assertThat(created.statusCode()).isEqualTo(200);
        assertThat(created.body()).contains("\"managedBy\":\"IotEdge\"", "\"primaryKey\"");
        assertThat(send("GET", "/devices/edge1/modules/tempSensor", edge, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/devices/edge1/modules", edge, null).body()).contains("$edgeAgent", "tempSensor");
        assertThat(send("DELETE", "/devices/edge1/modules/tempSensor", edge, null).statusCode()).isEqualTo(204);
        assertThat(send("GET", "/devices/edge1/modules/tempSensor", edge, null).statusCode()).isEqualTo(404);

        assertThat(send("PUT", "/devices/other/modules/x", edge, "{}").statusCode()).as("another device's modules").isEqualTo(401);
        assertThat(send("GET", "/devices/edge1", edge, null).statusCode()).as("the registry beyond its modules").isEqualTo(401);
        assertThat(send("GET", "/twins/edge1", edge, null).statusCode()).isEqualTo(401);
        assertThat(send("PUT", "/devices/plain1/modules/x", plain, "{}").statusCode()).as("a device that is no edge device")
                .isEqualTo(401);
        HttpResponse<String> refused = send("GET", "/devices/edge1/modules", null, null);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("iothub-errorcode")).contains("IotHubUnauthorizedAccess");
    }

    @Test
    void aBlobPutWithAMintedContainerSignatureCanBeReadBackListedAndAForgedOrUntypedOneIsRefused() throws Exception {
        String owner = ownerToken();
        HttpResponse<String> minted = send("POST", "/emulator/blobs/logs", owner, "");
        assertThat(minted.statusCode()).isEqualTo(200);
        String sasUrl = minted.body().replaceAll(".*\"sasUrl\":\"([^\"]+)\".*", "$1");
        URI container = URI.create(sasUrl);
        URI blob = URI.create("https://localhost:" + emulator.httpsPort() + container.getRawPath() + "/edge1/modules.log.gz?"
                + container.getRawQuery());

        HttpResponse<String> put = http.send(HttpRequest.newBuilder(blob).header("x-ms-blob-type", "BlockBlob")
                .PUT(HttpRequest.BodyPublishers.ofString("log lines")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(201);
        assertThat(http.send(HttpRequest.newBuilder(blob).GET().build(), HttpResponse.BodyHandlers.ofString()).body())
                .isEqualTo("log lines");
        URI forged = URI.create(blob.toString().replaceAll("sig=[^&]+", "sig=AAAA"));
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(forged).header("x-ms-blob-type", "BlockBlob")
                .PUT(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("x-ms-error-code")).contains("AuthenticationFailed");
        HttpResponse<String> untyped = http.send(HttpRequest.newBuilder(URI.create(blob.toString().replace("modules.log.gz", "x")))
                .PUT(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(untyped.statusCode()).as("Put Blob without x-ms-blob-type").isEqualTo(400);
        assertThat(untyped.headers().firstValue("x-ms-error-code")).contains("MissingRequiredHeader");

        assertThat(send("GET", "/emulator/blobs/logs", owner, null).body()).isEqualTo("[\"edge1/modules.log.gz\"]");
        assertThat(send("GET", "/emulator/blobs/empty", owner, null).body()).isEqualTo("[]");
        assertThat(send("GET", "/emulator/blobs/logs", deviceToken(device("edge3", true)), null).statusCode()).isEqualTo(401);
    }

    @Test
    void aCaCertificateIsRegisteredByTheServiceAndARegistrationWithoutACertificateIsRefused(@TempDir Path folder)
            throws Exception {
        String owner = ownerToken();
        TestCertificates ca = TestCertificates.selfSigned("Registered CA", folder);

        assertThat(send("PUT", "/emulator/certificates/maker", owner, ca.pem()).statusCode()).isEqualTo(204);
        assertThat(send("PUT", "/emulator/certificates/junk", owner, "not a certificate").statusCode()).isEqualTo(400);
        assertThat(send("PUT", "/emulator/certificates/maker", deviceToken(device("edge2", true)), ca.pem()).statusCode())
                .isEqualTo(401);
        assertThat(send("GET", "/emulator/certificates", owner, null).body()).isEqualTo("[\"maker\"]");
    }

    @Test
    void receivedTelemetryIsReadInArrivalOrderAndFromASequenceNumberOn() throws Exception {
        device("reader", false);
        IdentityRef reader = IdentityRef.device("reader");
        for (String body : List.of("one", "two", "three")) {
            emulator.telemetry().add(reader, body.getBytes(StandardCharsets.UTF_8), Map.of("k", body), Map.of());
        }
        String owner = ownerToken();

        String all = send("GET", "/emulator/messages", owner, null, "&deviceId=reader").body();
        assertThat(all).containsSubsequence("\"one\"", "\"two\"", "\"three\"");
        long first = Long.parseLong(all.replaceAll("(?s).*?\"sequenceNumber\":(\\d+).*", "$1"));
        String later = send("GET", "/emulator/messages", owner, null, "&deviceId=reader&since=" + first).body();
        assertThat(later).doesNotContain("\"one\"").contains("\"two\"", "\"three\"");
        assertThat(send("GET", "/emulator/messages", owner, null, "&since=x").statusCode()).isEqualTo(400);
    }

    private static DeviceIdentity device(String id, boolean edge) {
        return emulator.registry().putDevice(new DeviceSpec(id, Optional.empty(), Optional.empty(), Optional.of(edge),
                Optional.empty()), Optional.empty());
    }

    private static String deviceToken(DeviceIdentity device) {
        return SasToken.sign("localhost/devices/" + device.deviceId(), device.credentials().primaryKey().orElseThrow(),
                Instant.now().plusSeconds(600), Optional.empty()).toString();
    }

    private static String ownerToken() {
        return SasToken.sign("localhost", emulator.registry().ownerKey(), Instant.now().plusSeconds(600),
                Optional.of("iothubowner")).toString();
    }

    private static HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        return send(method, path, token, body, "");
    }

    private static HttpResponse<String> send(String method, String path, String token, String body, String query)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://localhost:" + emulator.httpsPort() + path
                + "?api-version=2021-04-12" + query)).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
