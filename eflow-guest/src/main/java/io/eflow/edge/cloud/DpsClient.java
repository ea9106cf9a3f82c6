package io.eflow.edge.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.contract.iothub.SasToken;
import io.eflow.contract.iothub.SigningKey;
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
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * DPS's device API over HTTPS (api-version 2019-03-31), as IoT Edge's identity service uses it: {@code PUT
 * /{idScope}/registrations/{registrationId}/register}, then {@code GET …/operations/{operationId}} every
 * {@code Retry-After} seconds until DPS has assigned the device or failed it. A symmetric-key device signs a SAS token
 * for {@code {idScope}/registrations/{registrationId}} ({@code skn=registration}); an X.509 device presents its
 * certificate in the TLS handshake; a TPM device answers DPS's challenge ({@link TpmChallenge}) and then signs as a
 * key device with the key DPS wrapped for its TPM.
 */
public final class DpsClient {
    static final String API_VERSION = "2019-03-31";
    private static final ObjectMapper JSON = Mappers.standard();
    private static final Duration TOKEN_LIFETIME = Duration.ofHours(1);
    private static final Duration LONGEST_POLL_WAIT = Duration.ofSeconds(10);
    private final URI endpoint;
    private final SSLContext tls;
    private final Duration timeout;
    private final Clock clock;

    /** How the device proves itself to DPS. */
    public sealed interface Proof {
        /** A SAS token signed with the device's (or its group-derived) key. */
        record Key(SigningKey key) implements Proof {
        }

        /** The certificate the TLS context presents: nothing in the request itself. */
        record Certificate() implements Proof {
        }

        /** DPS's TPM flow: the first request names the TPM's keys, and the key DPS sends back is imported. */
        record Tpm(TpmChallenge tpm) implements Proof {
        }
    }

    /**
     * The device's TPM as DPS's TPM attestation sees it: the endorsement and storage root keys' public parts (base64
     * TPM2B_PUBLIC each), and the import of the key DPS wraps for them, which from then on signs in the TPM.
     */
    public interface TpmChallenge {
        String endorsementKey();

        String storageRootKey();

        /** Imports the key of DPS's {@code authenticationKey} (base64) into the TPM and answers it as a signing key. */
        SigningKey activate(String authenticationKey);
    }

    /** Where DPS put the device. */
    public record Assignment(String hub, String deviceId, String registrationId, String substatus, Instant at) {
    }

    /**
     * @param endpoint DPS's global device endpoint, {@code https://host[:port]}
     * @param tls      what the device trusts, and for an X.509 device its certificate
     */
    public DpsClient(URI endpoint, SSLContext tls, Duration timeout, Clock clock) {
        this.endpoint = endpoint;
        this.tls = tls;
        this.timeout = timeout;
        this.clock = clock;
    }

    /**
     * Registers the device and waits, within the client's timeout, for DPS's assignment.
     *
     * @throws CloudException refused when DPS said no (its error in plain words), unreachable when it could not be
     *                        asked or did not finish in time
     */
    public Assignment register(String idScope, String registrationId, Proof proof) {
        HttpClient http = HttpClient.newBuilder().proxy(GuestProxy.INSTANCE.selector()).sslContext(tls).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        String base = "/" + encode(idScope) + "/registrations/" + encode(registrationId);
        ObjectNode body = JSON.createObjectNode().put("registrationId", registrationId);
        Optional<SigningKey> key = proof instanceof Proof.Key k ? Optional.of(k.key()) : Optional.empty();
        String challengeKey = null;
        if (proof instanceof Proof.Tpm tpm) {
            body.putObject("tpm").put("endorsementKey", tpm.tpm().endorsementKey())
                    .put("storageRootKey", tpm.tpm().storageRootKey());
            HttpResponse<String> challenge = send(http, put(base, body, Optional.empty()));
            JsonNode answer = parse(challenge);
            String wrapped = answer.path("authenticationKey").asText("");
            if (challenge.statusCode() != 401 || wrapped.isEmpty()) {
                throw refusal(challenge, answer, "answer the TPM's keys with a challenge");
            }
            key = Optional.of(tpm.tpm().activate(wrapped));
            challengeKey = wrapped;
        }
        String scope = idScope + "/registrations/" + registrationId;
        Optional<SigningKey> signer = key;
        // one token for the registration and its polls: a key in the TPM signs by running a tool
        Optional<String> authorization = signer.map(k -> token(scope, k));
        HttpResponse<String> registered = send(http, put(base, body, authorization));
        JsonNode operation = parse(registered);
        if (registered.statusCode() != 202 && registered.statusCode() != 200) {
            throw refusal(registered, operation, "register '" + registrationId + "'");
        }
        Instant deadline = clock.instant().plus(timeout.multipliedBy(3));
        while ("assigning".equals(operation.path("status").asText()) || operation.path("status").isMissingNode()) {
            if (clock.instant().isAfter(deadline)) {
                throw CloudException.unreachable("DPS at " + endpoint.getHost() + " did not assign '" + registrationId
                        + "' in time: still assigning");
            }
            String operationId = operation.path("operationId").asText("");
            if (operationId.isEmpty()) {
                throw CloudException.unreachable("DPS at " + endpoint.getHost() + " answered a registration without an operation id");
            }
            pause(registered.headers().firstValue("Retry-After"));
            HttpRequest.Builder poll = HttpRequest.newBuilder(uri(base + "/operations/" + encode(operationId))).GET()
                    .header("Accept", "application/json");
            authorization.ifPresent(value -> poll.header("Authorization", value));
            registered = send(http, poll);
            operation = parse(registered);
            if (registered.statusCode() != 200 && registered.statusCode() != 202) {
                throw refusal(registered, operation, "tell how the registration of '" + registrationId + "' stands");
            }
        }
        JsonNode state = operation.path("registrationState");
        String status = operation.path("status").asText();
        if (!"assigned".equals(status)) {
            throw CloudException.refused("DPS did not assign '" + registrationId + "': status " + status
                    + DpsErrors.describe(state.path("errorCode").asInt(0), state.path("errorMessage").asText("")));
        }
        String assignedKey = state.path("tpm").path("authenticationKey").asText("");
        if (proof instanceof Proof.Tpm tpm && !assignedKey.isEmpty() && !assignedKey.equals(challengeKey)) {
            // DPS sends the device's key for the hub with the assignment; one that differs from the challenge's is taken in
            tpm.tpm().activate(assignedKey);
        }
        return new Assignment(state.path("assignedHub").asText(), state.path("deviceId").asText(), registrationId,
                state.path("substatus").asText(null), clock.instant());
    }

    private HttpRequest.Builder put(String path, ObjectNode body, Optional<String> authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path + "/register"))
                .header("Content-Type", "application/json; charset=utf-8").header("Accept", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body.toString()));
        authorization.ifPresent(token -> request.header("Authorization", token));
        return request;
    }

    private String token(String scope, SigningKey key) {
        return SasToken.sign(scope, key, clock.instant().plus(TOKEN_LIFETIME), Optional.of("registration")).toString();
    }

    private HttpResponse<String> send(HttpClient http, HttpRequest.Builder request) {
        String where = "DPS at " + endpoint.getHost() + (endpoint.getPort() > 0 ? ":" + endpoint.getPort() : "");
        try {
            return http.send(request.timeout(timeout).header("User-Agent", "eflow").build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw CloudException.unreachable(where + " did not answer within " + timeout.toSeconds() + " s");
        } catch (ConnectException e) {
            throw CloudException.unreachable("cannot reach " + where + ": connection refused or no route");
        } catch (SSLException e) {
            throw CloudException.unreachable(where + " is not trusted, or refused the device's certificate: " + e.getMessage());
        } catch (IOException e) {
            throw CloudException.unreachable("cannot reach " + where + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CloudException.unreachable("interrupted while asking " + where);
        }
    }

    private CloudException refusal(HttpResponse<String> response, JsonNode body, String what) {
        int status = response.statusCode();
        String words = "DPS at " + endpoint.getHost() + " did not " + what + ": "
                + DpsErrors.describe(body.path("errorCode").asInt(status * 1000), body.path("message").asText(""));
        // throttling and DPS's own failures pass; everything else is DPS saying no to this device
        return status == 429 || status >= 500 ? CloudException.unreachable(words) : CloudException.refused(words);
    }

    private JsonNode parse(HttpResponse<String> response) {
        try {
            JsonNode node = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
            return node == null ? JSON.createObjectNode() : node;
        } catch (IOException e) {
            if (response.statusCode() / 100 == 2) {
                throw CloudException.unreachable("DPS at " + endpoint.getHost() + " answered with something that is not JSON");
            }
            return JSON.createObjectNode();
        }
    }

    private void pause(Optional<String> retryAfter) {
        Duration wait = Duration.ofSeconds(2);
        try {
            wait = Duration.ofSeconds(Long.parseLong(retryAfter.orElse("2").strip()));
        } catch (NumberFormatException e) {
            // DPS sends whole seconds; anything else waits the default
        }
        try {
            Thread.sleep(Math.min(Math.max(wait.toMillis(), 200), LONGEST_POLL_WAIT.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CloudException.unreachable("interrupted while waiting for DPS");
        }
    }

    private URI uri(String path) {
        String base = endpoint.toString().replaceAll("/+$", "");
        return URI.create(base + path + "?api-version=" + API_VERSION);
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
