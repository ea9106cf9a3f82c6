package io.eflow.iothub.emulator.dps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.contract.iothub.SasToken;
import io.eflow.iothub.emulator.auth.CaChains;
import io.eflow.iothub.emulator.auth.Tokens;
import io.eflow.iothub.emulator.registry.AuthType;
import io.eflow.iothub.emulator.registry.Credentials;
import io.eflow.iothub.emulator.registry.DeviceSpec;
import io.eflow.iothub.emulator.registry.HubException;
import io.eflow.iothub.emulator.registry.IdentityRef;
import io.eflow.iothub.emulator.registry.Registry;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * DPS's device side, whatever the transport: a device proves itself against an enrollment ({@link #attest}), then
 * registers ({@link #register}), which creates or updates its identity in the emulator's IoT Hub registry with the
 * credentials it proved itself with (so it connects to the hub the same way), and is polled ({@link #operation}). A TPM
 * device is first challenged ({@link #challenge}), then proves itself with a token signed by the key it was given.
 * Every failed proof — a wrong id scope, no enrollment, a wrong key or certificate, an expired token — is DPS's
 * {@code 401002} alike; the reason is logged, never told.
 */
public final class Registrations {
    /** The key name a device's registration token carries ({@code skn=registration}). */
    static final String REGISTRATION_KEY_NAME = "registration";
    private static final Logger LOG = Logger.getLogger(Registrations.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * A device that proved itself: the enrollment that admits it and the credentials it gets in the hub.
     *
     * @param tpmAuthenticationKey for a TPM device, the wrapped key its registration state gives it again
     */
    record Attested(String registrationId, Enrollment enrollment, Credentials credentials,
                    Optional<String> tpmAuthenticationKey) {
        Attested(String registrationId, Enrollment enrollment, Credentials credentials) {
            this(registrationId, enrollment, credentials, Optional.empty());
        }
    }

    /** The key made for a TPM device's latest challenge, and that key wrapped for its TPM. */
    private record Issued(byte[] key, String authenticationKey) {
    }

    private final Enrollments enrollments;
    private final Registry registry;
    private final String hubHostName;
    private final Clock clock;
    /** Each registration's latest operation, the one its device polls: as many as devices registered, no more. */
    private final Map<String, Operation> latest = new ConcurrentHashMap<>();
    /** Each TPM registration's latest challenge: as many as TPM enrollments, no more. */
    private final Map<String, Issued> issued = new ConcurrentHashMap<>();

    Registrations(Enrollments enrollments, Registry registry, String hubHostName, Clock clock) {
        this.enrollments = enrollments;
        this.registry = registry;
        this.hubHostName = hubHostName;
        this.clock = clock;
    }

    /** @throws DpsException 401 when the proof admits the device to no enrollment of this id scope */
    Attested attest(String idScope, String registrationId, Proof proof) {
        try {
            if (!idScope.equals(enrollments.idScope())) {
                throw DpsException.unauthorized("no id scope '" + idScope + "' here (this one is " + enrollments.idScope() + ")");
            }
            if (proof instanceof Proof.Token token) {
                return attestToken(idScope, registrationId, token.sas());
            }
            return attestCertificates(registrationId, ((Proof.Certificates) proof).chain());
        } catch (DpsException e) {
            LOG.info("refused the registration of '" + registrationId + "': " + e.getMessage());
            throw e;
        }
    }

    /**
     * DPS's TPM challenge, the answer to a registration that carries the TPM's public keys and no proof: a new key for
     * the device, wrapped so that only the enrolled TPM takes it in ({@link TpmActivation}), which the device then
     * signs its registration's SAS token with. Each challenge makes a new key; the latest one is the one that admits
     * the device, and the one its device gets in the hub.
     *
     * @param endorsementKey base64 {@code TPM2B_PUBLIC}, the same as the individual enrollment's
     * @param storageRootKey base64 {@code TPM2B_PUBLIC}, the storage key the key is imported under
     * @return the {@code authenticationKey}, base64
     * @throws DpsException 401 when no TPM enrollment of this id scope has that endorsement key
     */
    String challenge(String idScope, String registrationId, String endorsementKey, String storageRootKey) {
        try {
            if (!idScope.equals(enrollments.idScope())) {
                throw DpsException.unauthorized("no id scope '" + idScope + "' here (this one is " + enrollments.idScope() + ")");
            }
            Optional<Enrollment> enrollment = enrollments.get(Enrollment.Kind.INDIVIDUAL, registrationId);
            if (enrollment.isEmpty() || !(enrollment.get().attestation() instanceof Attestation.Tpm tpm)) {
                throw DpsException.unauthorized("no TPM enrollment '" + registrationId + "'");
            }
            byte[] enrolled = base64(tpm.endorsementKey().strip(), "the enrollment's endorsement key");
            if (!MessageDigest.isEqual(enrolled, base64(endorsementKey, "the endorsement key"))) {
                throw DpsException.unauthorized("the endorsement key is not the one of enrollment '" + registrationId + "'");
            }
            byte[] key = new byte[32];
            RANDOM.nextBytes(key);
            String wrapped;
            try {
                wrapped = Base64.getEncoder().encodeToString(TpmActivation.wrap(enrolled,
                        base64(storageRootKey, "the storage root key"), key));
            } catch (IllegalArgumentException e) {
                throw DpsException.unauthorized("no key can be wrapped for these TPM keys: " + e.getMessage());
            }
            issued.put(registrationId, new Issued(key, wrapped));
            LOG.info("challenged the TPM of '" + registrationId + "'");
            return wrapped;
        } catch (DpsException e) {
            LOG.info("refused the TPM challenge of '" + registrationId + "': " + e.getMessage());
            throw e;
        }
    }

    /**
     * Assigns the device to the hub; answers the operation to poll.
     *
     * @throws DpsException 401 when its enrollment is disabled
     */
    Operation register(Attested attested, Optional<JsonNode> payload) {
        Enrollment enrollment = attested.enrollment();
        if (!enrollment.enabled()) {
            LOG.info("refused the registration of '" + attested.registrationId() + "': its "
                    + Enrollments.describe(enrollment.kind()) + " '" + enrollment.id() + "' is disabled");
            throw DpsException.unauthorized("The enrollment of '" + attested.registrationId() + "' is disabled.");
        }
        String deviceId = enrollment.deviceId().orElse(attested.registrationId());
        IdentityRef ref = IdentityRef.device(deviceId);
        boolean existed = registry.access(ref).isPresent();
        try {
            if (enrollment.kind() == Enrollment.Kind.GROUP && enrollment.attestation() instanceof Attestation.X509 x509) {
                // the hub checks the device's chain against the CAs it was given, so it is given the group's
                for (int i = 0; i < x509.certificates().size(); i++) {
                    registry.putCaCertificate("dps-" + enrollment.id() + "-" + i, x509.certificates().get(i));
                }
            }
            registry.putDevice(new DeviceSpec(deviceId, Optional.of(true), Optional.empty(),
                    Optional.of(enrollment.iotEdge()), Optional.of(attested.credentials())),
                    existed ? Optional.of("*") : Optional.empty());
            if (!existed && enrollment.initialTwin().isPresent()) {
                ObjectNode twin = enrollment.initialTwin().get();
                registry.patchTwin(ref, object(twin.get("tags")), object(twin.path("properties").get("desired")),
                        Optional.empty());
            }
        } catch (HubException e) {
            throw new DpsException(e.status(), e.numericCode(), "The hub refused the device: " + e.getMessage());
        }
        Instant now = clock.instant();
        RegistrationState state = new RegistrationState(attested.registrationId(), hubHostName, deviceId, "assigned",
                existed ? "deviceDataMigrated" : "initialAssignment", now, now,
                Registry.etag(registry.device(deviceId).etagVersion()), payload, attested.tpmAuthenticationKey());
        Operation operation = new Operation("4." + UUID.randomUUID().toString().replace("-", ""), state);
        latest.put(attested.registrationId(), operation);
        LOG.info("assigned '" + attested.registrationId() + "' to " + hubHostName + " as device '" + deviceId + "'");
        return operation;
    }

    /** @throws DpsException 404 when the device has no such operation */
    Operation operation(Attested attested, String operationId) {
        Operation operation = latest.get(attested.registrationId());
        if (operation == null || !operation.operationId().equals(operationId)) {
            throw DpsException.notFound("There is no operation '" + operationId + "' of '" + attested.registrationId() + "'.");
        }
        return operation;
    }

    private Attested attestToken(String idScope, String registrationId, String text) {
        SasToken token;
        try {
            token = Tokens.unexpired(text, clock.instant());
        } catch (IllegalArgumentException e) {
            throw DpsException.unauthorized(e.getMessage());
        }
        if (!token.resource().equalsIgnoreCase(idScope + "/registrations/" + registrationId)
                || !token.keyName().orElse("").equals(REGISTRATION_KEY_NAME)) {
            throw DpsException.unauthorized("a token for '" + token.resource() + "' (" + token.keyName().orElse("no key name")
                    + "), not for " + idScope + "/registrations/" + registrationId + " (registration)");
        }
        Optional<Enrollment> individual = enrollments.get(Enrollment.Kind.INDIVIDUAL, registrationId);
        if (individual.isPresent() && individual.get().attestation() instanceof Attestation.Tpm) {
            Issued challenge = issued.get(registrationId);
            if (challenge == null) {
                throw DpsException.unauthorized("the TPM of '" + registrationId + "' was not challenged");
            }
            String key = Base64.getEncoder().encodeToString(challenge.key());
            if (!signed(token, key)) {
                throw DpsException.unauthorized("the token is not signed with the key of the TPM challenge of '"
                        + registrationId + "'");
            }
            // the hub gets the key in the TPM, which signs the device's tokens from then on; no one has a second one
            return new Attested(registrationId, individual.get(), Credentials.sas(key, Registry.newKey()),
                    Optional.of(challenge.authenticationKey()));
        }
        if (individual.isPresent()) {
            if (individual.get().attestation() instanceof Attestation.SymmetricKey keys
                    && (signed(token, keys.primaryKey()) || signed(token, keys.secondaryKey()))) {
                return new Attested(registrationId, individual.get(), Credentials.sas(keys.primaryKey(), keys.secondaryKey()));
            }
            throw DpsException.unauthorized("the token is not signed with the key of enrollment '" + registrationId + "'");
        }
        for (Enrollment group : enrollments.groups()) {
            if (group.attestation() instanceof Attestation.SymmetricKey keys) {
                String primary = DerivedKeys.derive(keys.primaryKey(), registrationId);
                String secondary = DerivedKeys.derive(keys.secondaryKey(), registrationId);
                if (signed(token, primary) || signed(token, secondary)) {
                    return new Attested(registrationId, group, Credentials.sas(primary, secondary));
                }
            }
        }
        throw DpsException.unauthorized("no enrollment and no group's derived key admits '" + registrationId + "'");
    }

    /** Leaf first; DPS takes the registration id from the leaf's CN, so the two must agree. */
    private Attested attestCertificates(String registrationId, List<X509Certificate> chain) {
        if (chain.isEmpty()) {
            throw DpsException.unauthorized("neither a SAS token nor a client certificate");
        }
        X509Certificate leaf = chain.get(0);
        if (!CaChains.commonName(leaf).equals(registrationId)) {
            throw DpsException.unauthorized("the certificate names '" + CaChains.commonName(leaf) + "', not '" + registrationId + "'");
        }
        Optional<Enrollment> individual = enrollments.get(Enrollment.Kind.INDIVIDUAL, registrationId);
        if (individual.isPresent()) {
            String thumbprint = CaChains.thumbprint(leaf, "SHA-256");
            if (individual.get().attestation() instanceof Attestation.X509 x509 && valid(leaf)
                    && CaChains.parse(x509.certificates()).stream().anyMatch(c -> CaChains.thumbprint(c, "SHA-256").equals(thumbprint))) {
                return new Attested(registrationId, individual.get(), new Credentials(AuthType.SELF_SIGNED, Optional.empty(),
                        Optional.empty(), Optional.of(thumbprint), Optional.empty()));
            }
            throw DpsException.unauthorized("the certificate is not the one of enrollment '" + registrationId + "'");
        }
        for (Enrollment group : enrollments.groups()) {
            if (group.attestation() instanceof Attestation.X509 x509) {
                try {
                    CaChains.verify(IdentityRef.device(registrationId), chain, CaChains.parse(x509.certificates()));
                    return new Attested(registrationId, group, new Credentials(AuthType.CERTIFICATE_AUTHORITY,
                            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
                } catch (HubException e) {
                    LOG.fine(() -> "group '" + group.id() + "' does not admit '" + registrationId + "': " + e.getMessage());
                }
            }
        }
        throw DpsException.unauthorized("no enrollment and no group's CA admits the certificate of '" + registrationId + "'");
    }

    /**
     * Whether the token is the key's. The SDKs differ in what they sign: the C and .NET ones the URL-encoded resource
     * ({@code scope%2fregistrations%2fid}, which {@link SasToken#signedWith} checks), the Node one the resource as is
     * ({@code scope/registrations/id}, and so its {@code sr}); DPS takes both.
     */
    private static boolean signed(SasToken token, String key) {
        String raw = DerivedKeys.hmac(key, token.resource() + "\n" + token.expiry().getEpochSecond());
        return token.signedWith(key) || MessageDigest.isEqual(raw.getBytes(StandardCharsets.US_ASCII),
                token.signature().getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] base64(String text, String what) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw DpsException.unauthorized(what + " is not base64");
        }
    }

    private static boolean valid(X509Certificate certificate) {
        try {
            certificate.checkValidity();
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static Optional<ObjectNode> object(JsonNode node) {
        return node instanceof ObjectNode object ? Optional.of(object) : Optional.empty();
    }
}
