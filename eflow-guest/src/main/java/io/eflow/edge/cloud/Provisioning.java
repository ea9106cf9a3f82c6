package io.eflow.edge.cloud;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonValue;
import io.eflow.contract.iothub.ConnectionString;
import io.eflow.contract.iothub.SigningKey;
import io.eflow.contract.wire.ProvisioningSpec;
import io.eflow.contract.wire.ProvisioningType;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * How the device is provisioned, as the user gave it (Provision-EflowVm's parameters), checked: the type and what it
 * takes — a connection string; a hub, device id and X.509 identity; or DPS's endpoint, id scope and registration id
 * with a symmetric key, an X.509 identity or the TPM. Kept as given (0600): it holds keys.
 */
public record Provisioning(ProvisioningSpec spec) {
    /** DPS's public global device endpoint, what {@code --global-endpoint} defaults to. */
    public static final String GLOBAL_ENDPOINT = "https://global.azure-devices-provisioning.net";
    private static final String HOST_NAME = "[A-Za-z0-9.-]+";
    /** IoT Hub's device and DPS's registration ids: at most 128 of letters, digits and {@code -._:}, as DPS takes them. */
    private static final String ID = "[A-Za-z0-9\\-._:]{1,128}";

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public Provisioning {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(spec.type(), "type");
    }

    @JsonValue
    @Override
    public ProvisioningSpec spec() {
        return spec;
    }

    /**
     * A provisioning from what the user gave; malformed input is refused here, before anything is tried. A group key
     * is replaced by the device's key derived from it, so only the device's own key is kept.
     *
     * @throws IllegalArgumentException in one line naming what is wrong, never quoting a key
     */
    public static Provisioning of(ProvisioningSpec spec, Instant now) {
        if (spec == null || spec.type() == null) {
            throw new IllegalArgumentException("the provisioning type is missing");
        }
        ProvisioningType type = spec.type();
        String trust = spec.trustBundle() == null || spec.trustBundle().isBlank() ? null : spec.trustBundle();
        TrustBundle.of(Optional.ofNullable(trust)); // a bundle that holds no certificate is refused now, not at the first connection
        ProvisioningSpec checked = switch (type) {
            case MANUAL_CONNECTION_STRING -> {
                ConnectionString parsed = connectionString(spec.connectionString());
                yield ProvisioningSpec.connectionString(parsed.toString(), trust);
            }
            case MANUAL_X509 -> {
                String hub = required(spec.iothubHostname(), "--iothub-hostname");
                if (!hub.matches(HOST_NAME)) {
                    throw new IllegalArgumentException("--iothub-hostname is not a host name: '" + hub + "'");
                }
                String device = id(required(spec.deviceId(), "--device-id"), "--device-id");
                X509Identity.of(spec.identityCert(), spec.identityKey(), now);
                yield new ProvisioningSpec(type, null, hub, device, null, null, null, null, null, spec.identityCert(),
                        spec.identityKey(), trust);
            }
            case DPS_SYMMETRIC_KEY -> {
                String registration = id(required(spec.registrationId(), "--registration-id"), "--registration-id");
                String key = deviceKey(spec, registration);
                yield new ProvisioningSpec(type, null, null, null, endpoint(spec.globalEndpoint()), scope(spec.scopeId()),
                        registration, key, null, null, null, trust);
            }
            case DPS_X509 -> {
                X509Identity identity = X509Identity.of(spec.identityCert(), spec.identityKey(), now);
                String registration = spec.registrationId() == null ? identity.commonName()
                        : id(spec.registrationId(), "--registration-id");
                if (!registration.equals(identity.commonName())) {
                    throw new IllegalArgumentException("DPS takes the registration id from the certificate's common name '"
                            + identity.commonName() + "', not '" + registration + "'");
                }
                yield new ProvisioningSpec(type, null, null, null, endpoint(spec.globalEndpoint()), scope(spec.scopeId()),
                        id(registration, "the certificate's common name"), null, null, spec.identityCert(), spec.identityKey(), trust);
            }
            case DPS_TPM -> new ProvisioningSpec(type, null, null, null, endpoint(spec.globalEndpoint()), scope(spec.scopeId()),
                    spec.registrationId() == null ? null : id(spec.registrationId(), "--registration-id"), null, null, null, null, trust);
        };
        return new Provisioning(checked);
    }

    @JsonIgnore
    public ProvisioningType type() {
        return spec.type();
    }

    @JsonIgnore
    public TrustBundle trust() {
        return TrustBundle.of(Optional.ofNullable(spec.trustBundle()));
    }

    /** The device's X.509 identity, for the types that have one. */
    @JsonIgnore
    public Optional<X509Identity> certificate() {
        return spec.identityCert() == null ? Optional.empty()
                : Optional.of(new X509Identity(spec.identityCert(), spec.identityKey()));
    }

    /** The same provisioning with a renewed certificate and key (checked by the caller). */
    public Provisioning renewed(X509Identity identity) {
        ProvisioningSpec s = spec;
        return new Provisioning(new ProvisioningSpec(s.type(), s.connectionString(), s.iothubHostname(), s.deviceId(),
                s.globalEndpoint(), s.scopeId(), s.registrationId(), s.symmetricKey(), s.groupKey(),
                identity.certificatePem(), identity.privateKeyPem(), s.trustBundle()));
    }

    /** For a manual type, the identity it names; empty for DPS types, whose hub and id DPS assigns. */
    public Optional<CloudIdentity> manualIdentity(Supplier<SigningKey> moduleSecret) {
        return switch (type()) {
            case MANUAL_CONNECTION_STRING -> {
                ConnectionString device = ConnectionString.parse(spec.connectionString());
                yield Optional.of(CloudIdentity.withKey(device.hostName(), device.deviceId(),
                        SigningKey.base64(device.sharedAccessKey()), trust()));
            }
            case MANUAL_X509 -> Optional.of(CloudIdentity.withCertificate(spec.iothubHostname(), spec.deviceId(),
                    certificate().orElseThrow(), moduleSecret.get(), trust()));
            default -> Optional.empty();
        };
    }

    /** For a DPS type, the identity of the device DPS assigned. */
    public CloudIdentity assignedIdentity(DpsClient.Assignment assignment, Optional<SigningKey> key,
                                          Supplier<SigningKey> moduleSecret) {
        return key.map(k -> CloudIdentity.withKey(assignment.hub(), assignment.deviceId(), k, trust()))
                .orElseGet(() -> CloudIdentity.withCertificate(assignment.hub(), assignment.deviceId(),
                        certificate().orElseThrow(), moduleSecret.get(), trust()));
    }

    @JsonIgnore
    public URI dpsEndpoint() {
        return URI.create(spec.globalEndpoint());
    }

    @Override
    public String toString() {
        return switch (type()) {
            case MANUAL_CONNECTION_STRING -> {
                ConnectionString device = ConnectionString.parse(spec.connectionString());
                yield "Provisioning[" + type() + ", hub " + device.hostName() + ", device " + device.deviceId() + "]";
            }
            case MANUAL_X509 -> "Provisioning[" + type() + ", hub " + spec.iothubHostname() + ", device " + spec.deviceId() + "]";
            default -> "Provisioning[" + type() + ", DPS " + spec.globalEndpoint() + ", scope " + spec.scopeId()
                    + ", registration " + (spec.registrationId() == null ? "from the TPM" : spec.registrationId()) + "]";
        };
    }

    private static ConnectionString connectionString(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a manual-connection-string provisioning needs the device's connection string");
        }
        ConnectionString parsed = ConnectionString.parse(text);
        if (parsed.moduleId().isPresent()) {
            throw new IllegalArgumentException("that is a module's connection string: provisioning takes the edge device's"
                    + " (HostName=…;DeviceId=…;SharedAccessKey=…)");
        }
        if (!parsed.hostName().matches(HOST_NAME)) {
            throw new IllegalArgumentException("the connection string's HostName is not a host name: '" + parsed.hostName() + "'");
        }
        return parsed;
    }

    /** The device's own key: the one given, or the one DPS derives for it from its group's key. */
    private static String deviceKey(ProvisioningSpec spec, String registrationId) {
        if ((spec.symmetricKey() == null) == (spec.groupKey() == null)) {
            throw new IllegalArgumentException("dps-symmetric-key needs one of --symmetric-key (the device's key) and"
                    + " --group-key (the group enrollment's key)");
        }
        if (spec.symmetricKey() != null) {
            check(spec.symmetricKey(), "--symmetric-key");
            return spec.symmetricKey().strip();
        }
        SigningKey group = check(spec.groupKey(), "--group-key");
        // DPS's derived key: base64(HMAC-SHA256(group key, registration id))
        return Base64.getEncoder().encodeToString(group.hmacSha256(registrationId.getBytes(StandardCharsets.UTF_8)));
    }

    private static SigningKey check(String key, String option) {
        try {
            return SigningKey.base64(key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage());
        }
    }

    private static String scope(String scope) {
        String given = required(scope, "--scope-id");
        if (!given.matches("[A-Za-z0-9]{1,64}")) {
            throw new IllegalArgumentException("--scope-id is not a DPS id scope (letters and digits, like 0ne0012345A): '"
                    + given + "'");
        }
        return given;
    }

    private static String endpoint(String given) {
        String text = given == null || given.isBlank() ? GLOBAL_ENDPOINT : given.strip();
        if (!text.contains("://")) {
            text = "https://" + text;
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--global-endpoint is not a URL: '" + given + "'");
        }
        if (!"https".equals(uri.getScheme()) || uri.getHost() == null || uri.getHost().isEmpty()
                || !(uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))
                || uri.getRawQuery() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("--global-endpoint must be https://host[:port], like " + GLOBAL_ENDPOINT
                    + ": '" + given + "'");
        }
        return "https://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    }

    private static String id(String id, String what) {
        if (!id.matches(ID)) {
            throw new IllegalArgumentException(what + " '" + id + "' is not an id DPS and IoT Hub take: up to 128 letters,"
                    + " digits and - . _ :");
        }
        return id;
    }

    private static String required(String value, String option) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("this provisioning type needs " + option);
        }
        return value.strip();
    }
}
