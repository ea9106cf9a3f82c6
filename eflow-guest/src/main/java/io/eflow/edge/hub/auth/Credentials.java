package io.eflow.edge.hub.auth;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * What a client's CONNECT offers to prove who it is.
 *
 * @param clientId     {@code deviceId/moduleId} for a module, {@code deviceId} for a device
 * @param username     {@code {hub}/{deviceId}/{moduleId}/?api-version=…} as IoT Hub's SDKs send it
 * @param password     a SAS token ({@code SharedAccessSignature sr=…&sig=…&se=…}), when given
 * @param certificates the TLS client certificate chain, leaf first, when the client showed one (port 8883 only)
 */
public record Credentials(String clientId, String username, Optional<String> password, List<X509Certificate> certificates) {
    public Credentials {
        certificates = List.copyOf(certificates);
    }
}
