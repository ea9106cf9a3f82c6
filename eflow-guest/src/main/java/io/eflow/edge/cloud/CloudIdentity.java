package io.eflow.edge.cloud;

import io.eflow.contract.iothub.SasToken;
import io.eflow.contract.iothub.SigningKey;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;

/**
 * Who the device is in IoT Hub, once known: the hub and device id (given, or assigned by DPS) and how it proves
 * itself, with a symmetric key (in memory or in the TPM) or an X.509 certificate. Module identities always use SAS
 * keys derived from {@code moduleKeys}: the device's key, or for a certificate device a secret of its own.
 *
 * @param key         the device's key; empty for an X.509 device
 * @param certificate the device's certificate and key; empty for a key device
 * @param moduleKeys  what module keys are derived from ({@link ModuleKeys})
 */
public record CloudIdentity(String hostName, String deviceId, Optional<SigningKey> key,
                            Optional<X509Identity> certificate, SigningKey moduleKeys, TrustBundle trust) {
    public CloudIdentity {
        Objects.requireNonNull(hostName, "hostName");
        Objects.requireNonNull(deviceId, "deviceId");
        if (key.isPresent() == certificate.isPresent()) {
            throw new IllegalArgumentException("a device proves itself with a key or a certificate, one of them");
        }
    }

    public static CloudIdentity withKey(String hostName, String deviceId, SigningKey key, TrustBundle trust) {
        return new CloudIdentity(hostName, deviceId, Optional.of(key), Optional.empty(), remembered(key), trust);
    }

    /**
     * A module's key is the same each time it is derived, and a key in the TPM takes a tool run to derive it: each is
     * derived once.
     */
    private static SigningKey remembered(SigningKey key) {
        Map<String, byte[]> derived = new ConcurrentHashMap<>();
        return data -> derived.computeIfAbsent(Base64.getEncoder().encodeToString(data), k -> key.hmacSha256(data)).clone();
    }

    public static CloudIdentity withCertificate(String hostName, String deviceId, X509Identity certificate,
                                                SigningKey moduleKeys, TrustBundle trust) {
        return new CloudIdentity(hostName, deviceId, Optional.empty(), Optional.of(certificate), moduleKeys, trust);
    }

    /** The device's own SAS token for {@code resource}; empty for an X.509 device, whose TLS proves it. */
    public Optional<String> sasToken(String resource, Instant expiry) {
        return key.map(k -> SasToken.sign(resource, k, expiry, Optional.empty()).toString());
    }

    /** The key of module {@code moduleId}, base64. */
    public String moduleKey(String moduleId) {
        return ModuleKeys.derive(moduleKeys, moduleId);
    }

    /** TLS for the device's own connections: the trust bundle, and the certificate when it has one. */
    public SSLContext deviceTls() {
        return trust.sslContext(certificate.map(X509Identity::keyManagers).orElse(null));
    }

    /** TLS for module connections, which present no certificate. */
    public SSLContext moduleTls() {
        return trust.sslContext();
    }

    /** A fresh secret for a certificate device's module keys, kept with its provisioning. */
    public static String newModuleSecret() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return Base64.getEncoder().encodeToString(secret);
    }

    @Override
    public String toString() {
        return "CloudIdentity[" + hostName + ", device " + deviceId + ", " + (key.isPresent() ? "key" : "certificate") + "]";
    }
}
