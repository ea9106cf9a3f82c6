package io.eflow.iothub.emulator.dps;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.time.Clock;
import java.util.UUID;

/** DPS's device-side answers (api-version 2019-03-31), the same over HTTPS and MQTT, and its error body. */
final class RegistrationJson {
    /** Seconds a device waits before it polls: the SDKs read it from {@code retry-after}. */
    static final int RETRY_AFTER_SECONDS = 1;

    private final ObjectMapper json;
    private final Clock clock;

    RegistrationJson(ObjectMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    /** The answer to a registration: the operation to poll, still assigning. */
    byte[] assigning(Operation operation) {
        return bytes(json.createObjectNode().put("operationId", operation.operationId()).put("status", "assigning"));
    }

    /** The answer to a poll: done, and where. */
    byte[] assigned(Operation operation) {
        RegistrationState state = operation.state();
        ObjectNode node = json.createObjectNode().put("operationId", operation.operationId()).put("status", state.status());
        ObjectNode registration = node.putObject("registrationState");
        registration.put("registrationId", state.registrationId());
        registration.put("createdDateTimeUtc", state.created().toString());
        registration.put("assignedHub", state.assignedHub());
        registration.put("deviceId", state.deviceId());
        registration.put("status", state.status());
        registration.put("substatus", state.substatus());
        registration.put("lastUpdatedDateTimeUtc", state.updated().toString());
        registration.put("etag", state.etag());
        state.payload().ifPresent(p -> registration.set("payload", p.deepCopy()));
        // the SDKs import it again (the C one fails a TPM registration without it)
        state.tpmAuthenticationKey().ifPresent(k -> registration.putObject("tpm").put("authenticationKey", k));
        return bytes(node);
    }

    /**
     * The TPM challenge: DPS's 401 with the key to import and the key name its token is to carry; the C SDK reads
     * {@code authenticationKey} and {@code keyName}, the Node one {@code authenticationKey}.
     */
    byte[] challenge(String authenticationKey) {
        return bytes(json.createObjectNode().put("message", "Authorization required, resend request using supplied key")
                .put("authenticationKey", authenticationKey).put("keyName", Registrations.REGISTRATION_KEY_NAME));
    }

    /** {@code {"errorCode", "trackingId", "message", "timestampUtc"}}, as DPS answers a refusal. */
    byte[] error(DpsException e) {
        return bytes(json.createObjectNode().put("errorCode", e.errorCode())
                .put("trackingId", UUID.randomUUID().toString()).put("message", e.getMessage())
                .put("timestampUtc", clock.instant().toString()));
    }

    /**
     * A register request's body, read before the proof is checked (a TPM's first request has none but its keys); an
     * empty one is an empty object.
     *
     * @throws DpsException 400 when it is not JSON
     */
    JsonNode body(byte[] body) {
        try {
            JsonNode node = body.length == 0 ? null : json.readTree(body);
            return node == null ? json.createObjectNode() : node;
        } catch (IOException e) {
            throw DpsException.badRequest("The registration body is not JSON.");
        }
    }

    byte[] bytes(Object node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }
}
