package io.eflow.edge.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eflow.contract.json.Mappers;
import io.eflow.edge.proxy.GuestProxy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * IoT Hub's REST API in an edge device's own scope, signed with the device's key: what IoT Edge's identity service
 * does for its modules (read, create, update and delete their identities). Every failure is a
 * {@link CloudException} whose one line says what the hub said, or why it could not be asked.
 */
public final class DeviceScope {
    /** The API version IoT Edge 1.4's identity service uses, and the emulator accepts. */
    static final String API_VERSION = "2021-04-12";
    private static final ObjectMapper JSON = Mappers.standard();
    private static final Duration TOKEN_LIFETIME = Duration.ofHours(1);
    private final CloudIdentity device;
    private final HubPorts ports;
    private final HttpClient http;
    private final Duration timeout;
    private final Clock clock;
    private Optional<String> token = Optional.empty();
    private Instant tokenRenewAt;

    public DeviceScope(CloudIdentity device, HubPorts ports, Duration timeout, Clock clock) {
        this.device = device;
        this.ports = ports;
        this.timeout = timeout;
        this.clock = clock;
        // an X.509 device proves itself in the TLS handshake, a key device with a token in each request
        this.http = HttpClient.newBuilder().proxy(GuestProxy.INSTANCE.selector()).sslContext(device.deviceTls())
                .connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** A module identity of this device, as the hub has it; empty when the hub has no such module. */
    public Optional<JsonNode> module(String moduleId) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(modulePath(moduleId)).GET());
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        expectOk(response, "read module '" + moduleId + "'");
        try {
            return Optional.of(JSON.readTree(response.body()));
        } catch (IOException e) {
            throw CloudException.unreachable("IoT Hub at " + device.hostName() + " answered module '" + moduleId
                    + "' with something that is not JSON");
        }
    }

    /** The ids of this device's module identities, as the hub has them. */
    public List<String> moduleIds() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/devices/" + encode(device.deviceId()) + "/modules")).GET());
        expectOk(response, "list the modules");
        try {
            List<String> ids = new ArrayList<>();
            for (JsonNode module : JSON.readTree(response.body())) {
                ids.add(module.path("moduleId").asText());
            }
            return ids;
        } catch (IOException e) {
            throw CloudException.unreachable("IoT Hub at " + device.hostName() + " listed the modules in something that is not JSON");
        }
    }

    /**
     * Makes sure module {@code moduleId} exists with {@code key} as its primary and secondary key: created when the hub
     * has none, its keys replaced when they differ (the hub makes {@code $edgeAgent} and {@code $edgeHub} with keys
     * of its own when the edge device is created).
     */
    public void ensureModule(String moduleId, String key) {
        Optional<JsonNode> existing = module(moduleId);
        if (existing.isPresent() && key.equals(existing.get().path("authentication").path("symmetricKey")
                .path("primaryKey").asText(null))) {
            return;
        }
        String body = JSON.createObjectNode().put("deviceId", device.deviceId()).put("moduleId", moduleId)
                .set("authentication", JSON.createObjectNode().put("type", "sas").set("symmetricKey",
                        JSON.createObjectNode().put("primaryKey", key).put("secondaryKey", key))).toString();
        HttpRequest.Builder put = HttpRequest.newBuilder(modulePath(moduleId))
                .header("Content-Type", "application/json; charset=utf-8")
                .PUT(HttpRequest.BodyPublishers.ofString(body));
        if (existing.isPresent()) {
            String etag = existing.get().path("etag").asText("");
            put.header("If-Match", etag.isEmpty() ? "*" : "\"" + etag + "\"");
        }
        expectOk(send(put), (existing.isPresent() ? "update" : "create") + " module '" + moduleId + "'");
    }

    /** Removes module {@code moduleId} of this device; removing one the hub does not have is no error. */
    public void removeModule(String moduleId) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(modulePath(moduleId)).header("If-Match", "*").DELETE());
        if (response.statusCode() != 404) {
            expectOk(response, "remove module '" + moduleId + "'");
        }
    }

    private URI modulePath(String moduleId) {
        return uri("/devices/" + encode(device.deviceId()) + "/modules/" + encode(moduleId));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        token().ifPresent(value -> request.header("Authorization", value));
        try {
            return http.send(request.timeout(timeout).header("Accept", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw CloudException.unreachable("IoT Hub at " + device.hostName() + " did not answer within "
                    + timeout.toSeconds() + " s");
        } catch (ConnectException e) {
            throw CloudException.unreachable("cannot reach IoT Hub at " + device.hostName() + ":" + ports.https() + ": connection refused"
                    + " or no route");
        } catch (SSLException e) {
            throw CloudException.unreachable("IoT Hub at " + device.hostName() + " is not trusted: " + e.getMessage()
                    + " (give its CA with --trust-bundle)");
        } catch (IOException e) {
            throw CloudException.unreachable("cannot reach IoT Hub at " + device.hostName() + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CloudException.unreachable("interrupted while asking IoT Hub at " + device.hostName());
        }
    }

    /**
     * The device's token, signed once and used until half its lifetime has passed: a key in the TPM signs by running a
     * tool, and a reconcile makes a request per module.
     */
    private synchronized Optional<String> token() {
        Instant now = clock.instant();
        if (tokenRenewAt == null || !now.isBefore(tokenRenewAt)) {
            token = device.sasToken(device.hostName() + "/devices/" + device.deviceId(), now.plus(TOKEN_LIFETIME));
            tokenRenewAt = now.plus(TOKEN_LIFETIME.dividedBy(2));
        }
        return token;
    }

    private void expectOk(HttpResponse<String> response, String what) {
        int status = response.statusCode();
        if (status / 100 == 2) {
            return;
        }
        String reason = switch (status) {
            case 401 -> "not authorized: a wrong key, or a device that is unknown or disabled";
            case 403 -> "forbidden: the device may not do this";
            case 429 -> "throttled: too many requests";
            default -> "status " + status;
        };
        throw CloudException.refused("IoT Hub at " + device.hostName() + " refused to " + what + " of device '"
                + device.deviceId() + "': " + reason + hubMessage(response.body()));
    }

    /** IoT Hub's error bodies carry a {@code Message}; the first line of it says more than the status. */
    private static String hubMessage(String body) {
        try {
            JsonNode error = JSON.readTree(body);
            String message = error.path("Message").asText(error.path("message").asText(""));
            return message.isBlank() ? "" : " (" + message.lines().findFirst().orElse("") + ")";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private URI uri(String path) {
        return URI.create("https://" + device.hostName() + (ports.https() == 443 ? "" : ":" + ports.https()) + path
                + "?api-version=" + API_VERSION);
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
