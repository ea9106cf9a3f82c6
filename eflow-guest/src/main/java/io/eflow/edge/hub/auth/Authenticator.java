package io.eflow.edge.hub.auth;

import io.eflow.contract.iothub.SasToken;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The hub's rules for an MQTT CONNECT: the user name names an identity of this registry under this device's IoT Hub
 * (or gateway) host name, the client id is that identity, and the client proves it with a SAS token signed with the
 * identity's key or with a client certificate from the edge CA. Messages name identities and host names, never a key
 * or a token.
 */
public final class Authenticator {
    private final Identities identities;
    private final EdgeCa ca;
    private final String iotHubHostName;
    private final String gatewayHostName;

    /**
     * @param iotHubHostName  IOTEDGE_IOTHUBHOSTNAME, which modules put in their user names and tokens
     * @param gatewayHostName IOTEDGE_GATEWAYHOSTNAME, which some leaf clients put there instead
     */
    public Authenticator(Identities identities, EdgeCa ca, String iotHubHostName, String gatewayHostName) {
        this.identities = Objects.requireNonNull(identities, "identities");
        this.ca = Objects.requireNonNull(ca, "ca");
        this.iotHubHostName = Objects.requireNonNull(iotHubHostName, "iotHubHostName");
        this.gatewayHostName = Objects.requireNonNull(gatewayHostName, "gatewayHostName");
    }

    /**
     * Who the client is.
     *
     * @throws AuthenticationException {@code notAuthorized} for an identity this hub does not have, else
     *                                 {@code badCredentials} saying what does not check out
     */
    public ClientId authenticate(Credentials credentials, Instant now) throws AuthenticationException {
        UserName user = UserName.parse(credentials.username());
        if (!isOurHub(user.hostName())) {
            throw AuthenticationException.badCredentials("the user name's hub '" + user.hostName() + "' is neither this"
                    + " device's IoT Hub '" + iotHubHostName + "' nor its gateway '" + gatewayHostName + "'");
        }
        ClientId claimed = user.identity();
        if (!claimed.toString().equals(credentials.clientId())) {
            throw AuthenticationException.badCredentials("client id '" + credentials.clientId()
                    + "' is not the identity of the user name, '" + claimed + "'");
        }
        Identity identity = identities.find(claimed).orElseThrow(() -> AuthenticationException.notAuthorized(
                "no identity '" + claimed + "' on this edge hub"));
        // Clients that log in with a certificate may still send an empty password.
        Optional<String> password = credentials.password().filter(p -> !p.isBlank());
        if (password.isPresent()) {
            return checkToken(identity, password.get(), now);
        }
        if (!credentials.certificates().isEmpty()) {
            return checkCertificate(identity, credentials.certificates(), now);
        }
        throw AuthenticationException.badCredentials("'" + claimed + "' offered neither a SAS token as password nor a"
                + " client certificate");
    }

    private ClientId checkToken(Identity identity, String password, Instant now) throws AuthenticationException {
        ClientId id = identity.clientIdentity();
        SasToken token;
        try {
            token = SasToken.parse(password);
        } catch (IllegalArgumentException e) {
            // the parser's message may quote part of the password
            throw AuthenticationException.badCredentials("the password of '" + id + "' is not a SAS token"
                    + " (SharedAccessSignature sr=…&sig=…&se=…)");
        }
        if (!isFor(token.resource(), id)) {
            throw AuthenticationException.badCredentials("token for another identity: '" + id + "' sent a token for '"
                    + token.resource() + "'");
        }
        if (token.expiredAt(now)) {
            throw AuthenticationException.badCredentials("token expired: the token of '" + id + "' expired at "
                    + token.expiry());
        }
        if (!token.signedWith(identity.key())) {
            throw AuthenticationException.badCredentials("wrong key: the token of '" + id + "' is not signed with the"
                    + " identity's current key");
        }
        return id;
    }

    private ClientId checkCertificate(Identity identity, List<X509Certificate> chain, Instant now)
            throws AuthenticationException {
        ClientId id = identity.clientIdentity();
        ClientId named;
        try {
            named = ca.verifyClient(chain, now);
        } catch (CertificateException e) {
            throw AuthenticationException.badCredentials(e.getMessage());
        }
        if (!named.equals(id)) {
            throw AuthenticationException.badCredentials("the client certificate is for '" + named
                    + "', the user name for '" + id + "'");
        }
        // X.509 times have whole seconds
        if (chain.get(0).getNotBefore().toInstant().isBefore(identity.keyCreated().truncatedTo(ChronoUnit.SECONDS))) {
            throw AuthenticationException.badCredentials("the client certificate of '" + id + "' was issued before the"
                    + " identity's key last changed (rotated, or the identity made again): issue a new one");
        }
        return id;
    }

    /**
     * Whether {@code resource} is {@code {hub}/devices/{d}[/modules/{m}]} for {@code id}: the host name in any case,
     * as IoT Hub compares host names, the ids exactly, as written or escaped (.NET's SDK escapes them).
     */
    private boolean isFor(String resource, ClientId id) {
        int slash = resource.indexOf('/');
        if (slash <= 0 || !isOurHub(resource.substring(0, slash))) {
            return false;
        }
        String path = resource.substring(slash + 1);
        return path.equals(resourcePath(id, UnaryOperator.identity()))
                || path.equals(resourcePath(id, part -> URLEncoder.encode(part, StandardCharsets.UTF_8)));
    }

    private static String resourcePath(ClientId id, UnaryOperator<String> escape) {
        return "devices/" + escape.apply(id.deviceId()) + id.moduleId().map(m -> "/modules/" + escape.apply(m)).orElse("");
    }

    private boolean isOurHub(String hostName) {
        return hostName.equalsIgnoreCase(iotHubHostName) || hostName.equalsIgnoreCase(gatewayHostName);
    }
}
