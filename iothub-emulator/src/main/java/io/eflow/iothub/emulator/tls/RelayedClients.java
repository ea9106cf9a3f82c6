package io.eflow.iothub.emulator.tls;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The client certificates of the HTTPS connections the TLS front relays to the plain REST server, by the local port
 * of each relayed connection: the REST server sees that port as its caller's, and so learns what the TLS handshake
 * proved (DPS's X.509 registrations over HTTPS). Only the front can connect from a port while it holds it.
 */
public final class RelayedClients {
    private final Map<Integer, List<X509Certificate>> byPort = new ConcurrentHashMap<>();

    /** @param chain leaf first; an empty one is not kept */
    public void relayed(int localPort, List<X509Certificate> chain) {
        if (!chain.isEmpty()) {
            byPort.put(localPort, List.copyOf(chain));
        }
    }

    public void closed(int localPort) {
        byPort.remove(localPort);
    }

    /** What the client relayed from {@code remotePort} presented; empty when it presented none. */
    public List<X509Certificate> of(int remotePort) {
        return byPort.getOrDefault(remotePort, List.of());
    }
}
