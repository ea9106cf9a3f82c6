package io.eflow.iothub.emulator.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.iothub.emulator.registry.AuthType;
import io.eflow.iothub.emulator.registry.Credentials;
import io.eflow.iothub.emulator.registry.DeviceIdentity;
import io.eflow.iothub.emulator.registry.DeviceSpec;
import io.eflow.iothub.emulator.registry.HubException;
import io.eflow.iothub.emulator.registry.IdentityRef;
import io.eflow.iothub.emulator.registry.ModuleIdentity;
import io.eflow.iothub.emulator.registry.Registry;
import io.eflow.iothub.emulator.registry.TwinState;

import java.time.Instant;
import java.util.Optional;

/** IoT Hub's JSON for devices, modules and twins (api-version 2021-04-12), both ways. */
final class IdentityJson {
    /** What IoT Hub writes for a time that never happened. */
    private static final String NEVER = "0001-01-01T00:00:00Z";

    private final ObjectMapper json;

    IdentityJson(ObjectMapper json) {
        this.json = json;
    }

    ObjectNode device(DeviceIdentity device, boolean connected) {
        ObjectNode node = json.createObjectNode();
        node.put("deviceId", device.deviceId());
        node.put("generationId", device.generationId());
        node.put("etag", Registry.etag(device.etagVersion()));
        node.put("connectionState", connected ? "Connected" : "Disconnected");
        node.put("status", device.enabled() ? "enabled" : "disabled");
        node.put("statusReason", device.statusReason().isEmpty() ? null : device.statusReason());
        node.put("connectionStateUpdatedTime", NEVER);
        node.put("statusUpdatedTime", device.statusUpdatedTime().toString());
        node.put("lastActivityTime", NEVER);
        node.put("cloudToDeviceMessageCount", 0);
        node.set("authentication", authentication(device.credentials()));
        node.putObject("capabilities").put("iotEdge", device.iotEdge());
        return node;
    }

    ObjectNode module(ModuleIdentity module, boolean connected) {
        ObjectNode node = json.createObjectNode();
        node.put("moduleId", module.moduleId());
        node.put("deviceId", module.deviceId());
        node.put("managedBy", module.managedBy().isEmpty() ? null : module.managedBy());
        node.put("generationId", module.generationId());
        node.put("etag", Registry.etag(module.etagVersion()));
        node.put("connectionState", connected ? "Connected" : "Disconnected");
        node.put("connectionStateUpdatedTime", NEVER);
        node.put("lastActivityTime", NEVER);
        node.put("cloudToDeviceMessageCount", 0);
        node.set("authentication", authentication(module.credentials()));
        return node;
    }

    ObjectNode twin(IdentityRef ref, DeviceIdentity device, TwinState twin, boolean connected, AuthType authType) {
        ObjectNode node = json.createObjectNode();
        node.put("deviceId", ref.deviceId());
        ref.moduleId().ifPresent(m -> node.put("moduleId", m));
        node.put("etag", twin.etag());
        node.put("deviceEtag", Registry.etag(device.etagVersion()));
        node.put("status", device.enabled() ? "enabled" : "disabled");
        node.put("statusUpdateTime", device.statusUpdatedTime().toString());
        node.put("connectionState", connected ? "Connected" : "Disconnected");
        node.put("lastActivityTime", NEVER);
        node.put("cloudToDeviceMessageCount", 0);
        node.put("authenticationType", authType.wireName());
        node.putObject("x509Thumbprint").putNull("primaryThumbprint").putNull("secondaryThumbprint");
        node.put("version", twin.version());
        node.set("tags", twin.tags().deepCopy());
        ObjectNode properties = node.putObject("properties");
        properties.set("desired", withMetadata(twin.desiredDocument()));
        properties.set("reported", withMetadata(twin.reportedDocument()));
        node.putObject("capabilities").put("iotEdge", device.iotEdge());
        return node;
    }

    /** A device from a {@code PUT /devices/{id}} body. */
    DeviceSpec deviceSpec(String pathId, JsonNode body) {
        String id = body.path("deviceId").asText(pathId);
        if (!id.equals(pathId)) {
            throw HubException.badRequest("The deviceId in the body ('" + id + "') is not the one in the URI ('" + pathId + "').");
        }
        Optional<Boolean> enabled = Optional.empty();
        if (body.hasNonNull("status")) {
            String status = body.get("status").asText();
            if (!status.equalsIgnoreCase("enabled") && !status.equalsIgnoreCase("disabled")) {
                throw HubException.badRequest("status must be 'enabled' or 'disabled', not '" + status + "'.");
            }
            enabled = Optional.of(status.equalsIgnoreCase("enabled"));
        }
        Optional<Boolean> iotEdge = body.path("capabilities").hasNonNull("iotEdge")
                ? Optional.of(body.path("capabilities").path("iotEdge").asBoolean()) : Optional.empty();
        return new DeviceSpec(id, enabled, text(body, "statusReason"), iotEdge, credentials(body.path("authentication")));
    }

    /** The credentials of a device or module body; absent when it names none (keys are then generated or kept). */
    Optional<Credentials> credentials(JsonNode authentication) {
        if (authentication.isMissingNode() || authentication.isNull()) {
            return Optional.empty();
        }
        AuthType type;
        try {
            type = authentication.hasNonNull("type") ? AuthType.parse(authentication.get("type").asText()) : AuthType.SAS;
        } catch (IllegalArgumentException e) {
            throw HubException.badRequest(e.getMessage());
        }
        JsonNode keys = authentication.path("symmetricKey");
        JsonNode thumbprints = authentication.path("x509Thumbprint");
        Credentials credentials = new Credentials(type, text(keys, "primaryKey"), text(keys, "secondaryKey"),
                text(thumbprints, "primaryThumbprint"), text(thumbprints, "secondaryThumbprint"));
        if (type == AuthType.SELF_SIGNED && credentials.primaryThumbprint().isEmpty()) {
            throw HubException.badRequest("A selfSigned identity needs x509Thumbprint.primaryThumbprint.");
        }
        return Optional.of(credentials);
    }

    private ObjectNode authentication(Credentials credentials) {
        ObjectNode node = json.createObjectNode();
        ObjectNode keys = node.putObject("symmetricKey");
        keys.put("primaryKey", credentials.primaryKey().orElse(null));
        keys.put("secondaryKey", credentials.secondaryKey().orElse(null));
        ObjectNode thumbprints = node.putObject("x509Thumbprint");
        thumbprints.put("primaryThumbprint", credentials.primaryThumbprint().orElse(null));
        thumbprints.put("secondaryThumbprint", credentials.secondaryThumbprint().orElse(null));
        node.put("type", credentials.type().wireName());
        return node;
    }

    private ObjectNode withMetadata(ObjectNode section) {
        section.putObject("$metadata").put("$lastUpdated", Instant.now().toString());
        return section;
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() && !value.asText().isEmpty() ? Optional.of(value.asText()) : Optional.empty();
    }
}
