package io.eflow.iothub.emulator.auth;

import io.eflow.contract.iothub.SasToken;
import io.eflow.iothub.emulator.registry.Access;
import io.eflow.iothub.emulator.registry.AuthType;
import io.eflow.iothub.emulator.registry.HubException;
import io.eflow.iothub.emulator.registry.IdentityRef;
import io.eflow.iothub.emulator.registry.Registry;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * IoT Hub's checks of who is calling. Devices and modules sign SAS tokens for {@code {host}/devices/{d}[/modules/{m}]}
 * with one of their keys, or present a client certificate whose thumbprint is registered (selfSigned); services sign
 * for {@code {host}} with the {@code iothubowner} policy key ({@code skn=iothubowner}), which also lets a service
 * connect as any device, as IoT Hub's device-connect permission does. An expired token, a token for another resource
 * or hub, and a disabled identity are refused alike, and the reason is never told to the client (it is logged).
 */
public final class Authenticator {
    public static final String OWNER_POLICY = "iothubowner";

    private final Registry registry;
    private final String hostName;
    private final Clock clock;

    public Authenticator(Registry registry, String hostName, Clock clock) {
        this.registry = registry;
        this.hostName = hostName;
        this.clock = clock;
    }

    public String hostName() {
        return hostName;
    }

    /**
     * A device or module connecting with a SAS token as its password.
     *
     * @throws HubException 401 naming the reason (for the log; clients get a bare refusal)
     */
    public Access authenticateToken(IdentityRef ref, String password) {
        SasToken token = parse(password);
        Access access = registry.access(ref).orElseThrow(() -> HubException.unauthorized("no identity '" + ref + "'"));
        requireEnabled(access);
        if (token.keyName().isPresent()) {
            // a policy token: iothubowner may connect as any device
            if (!token.keyName().get().equals(OWNER_POLICY) || !forHub(token.resource())
                    || !token.signedWith(registry.ownerKey())) {
                throw HubException.unauthorized("policy token not valid for '" + ref + "'");
            }
            return access;
        }
        if (access.credentials().type() != AuthType.SAS) {
            throw HubException.unauthorized("'" + ref + "' authenticates with certificates, not tokens");
        }
        if (!token.resource().equalsIgnoreCase(hostName + "/" + ref.resourcePath())) {
            throw HubException.unauthorized("token for '" + token.resource() + "', not for '" + ref + "' of " + hostName);
        }
        if (!signedWithIdentityKey(token, access)) {
            throw HubException.unauthorized("token of '" + ref + "' not signed with its key");
        }
        return access;
    }

    /**
     * A device or module connecting with a client certificate: the handshake proved the client holds the leaf's key.
     * For selfSigned identities the leaf's SHA-1 or SHA-256 thumbprint must be one registered for it; for
     * certificateAuthority devices the leaf must name the device as its CN and chain, through the certificates the
     * client presented, to a CA registered with the hub.
     *
     * @param chain leaf first, as the TLS handshake gives it
     */
    public Access authenticateCertificate(IdentityRef ref, List<X509Certificate> chain) {
        Access access = registry.access(ref).orElseThrow(() -> HubException.unauthorized("no identity '" + ref + "'"));
        requireEnabled(access);
        X509Certificate leaf = chain.get(0);
        if (access.credentials().type() == AuthType.CERTIFICATE_AUTHORITY) {
            CaChains.verify(ref, chain, CaChains.parse(registry.caCertificates().values()));
            return access;
        }
        if (access.credentials().type() != AuthType.SELF_SIGNED) {
            throw HubException.unauthorized("'" + ref + "' does not authenticate with a certificate");
        }
        try {
            leaf.checkValidity();
            for (String algorithm : new String[] {"SHA-1", "SHA-256"}) {
                if (access.credentials().hasThumbprint(CaChains.thumbprint(leaf, algorithm))) {
                    return access;
                }
            }
        } catch (GeneralSecurityException e) {
            throw HubException.unauthorized("the certificate of '" + ref + "' is not valid: " + e.getMessage());
        }
        throw HubException.unauthorized("the certificate of '" + ref + "' has no registered thumbprint");
    }

    /**
     * A service-side request's {@code Authorization} header.
     *
     * @throws HubException 401 when it proves nothing
     */
    public Principal authorizeService(Optional<String> authorization) {
        SasToken token = parse(authorization.orElseThrow(() -> HubException.unauthorized("no Authorization header")));
        if (token.keyName().isPresent()) {
            if (token.keyName().get().equals(OWNER_POLICY) && forHub(token.resource())
                    && token.signedWith(registry.ownerKey())) {
                return new Principal.Owner();
            }
            throw HubException.unauthorized("the token is not signed by the policy it names for " + hostName);
        }
        String prefix = (hostName + "/devices/").toLowerCase(Locale.ROOT);
        String resource = token.resource();
        if (resource.toLowerCase(Locale.ROOT).startsWith(prefix) && resource.indexOf('/', prefix.length()) < 0) {
            IdentityRef device = IdentityRef.device(resource.substring(prefix.length()));
            Access access = registry.access(device).orElseThrow(() -> HubException.unauthorized("no device " + device));
            requireEnabled(access);
            if (access.edgeDevice() && access.credentials().type() == AuthType.SAS && signedWithIdentityKey(token, access)) {
                return new Principal.EdgeDevice(device.deviceId());
            }
        }
        throw HubException.unauthorized("the token is neither the service policy's nor an edge device's");
    }

    /**
     * An edge device that proved itself with its client certificate, calling IoT Hub's REST API in its own scope (as
     * IoT Edge's identity service does for an X.509 device).
     *
     * @throws HubException 401 when the certificate is not the device's, or the device is no edge device
     */
    public Principal authorizeEdgeCertificate(String deviceId, List<X509Certificate> chain) {
        Access access = authenticateCertificate(IdentityRef.device(deviceId), chain);
        if (!access.edgeDevice()) {
            throw HubException.unauthorized("'" + deviceId + "' is not an edge device: only edge devices call this API");
        }
        return new Principal.EdgeDevice(deviceId);
    }

    /**
     * Registers a CA for certificateAuthority devices.
     *
     * @throws HubException 400 when {@code pem} holds no certificate
     */
    public void registerCa(String name, String pem) {
        List<X509Certificate> certificates;
        try {
            certificates = CaChains.parse(List.of(pem));
        } catch (IllegalStateException e) {
            throw HubException.badRequest(e.getMessage());
        }
        if (certificates.isEmpty()) {
            throw HubException.badRequest("The body holds no PEM certificate.");
        }
        registry.putCaCertificate(name, pem);
    }

    private SasToken parse(String text) {
        try {
            return Tokens.unexpired(text, clock.instant());
        } catch (IllegalArgumentException e) {
            throw HubException.unauthorized(e.getMessage());
        }
    }

    private boolean forHub(String resource) {
        String lower = resource.toLowerCase(Locale.ROOT);
        String host = hostName.toLowerCase(Locale.ROOT);
        return lower.equals(host) || lower.startsWith(host + "/");
    }

    private static boolean signedWithIdentityKey(SasToken token, Access access) {
        boolean primary = access.credentials().primaryKey().map(token::signedWith).orElse(false);
        boolean secondary = access.credentials().secondaryKey().map(token::signedWith).orElse(false);
        return primary || secondary;
    }

    private static void requireEnabled(Access access) {
        if (!access.enabled()) {
            throw HubException.unauthorized("'" + access.ref() + "' is disabled");
        }
    }
}
