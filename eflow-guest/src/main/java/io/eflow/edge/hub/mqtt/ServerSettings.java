package io.eflow.edge.hub.mqtt;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the MQTT head listens and how much it lets one client have outstanding.
 *
 * @param bindAddress        the address both listeners bind ({@code 0.0.0.0} in the guest)
 * @param port               the plain listener's port (1883; 0 picks a free one)
 * @param tls                the TLS listener's certificate, when there is one
 * @param tlsPort            the TLS listener's port (8883; 0 picks a free one)
 * @param maxPacketSize      the largest MQTT packet a client may send, counted after the fixed header; a larger one
 *                           closes the connection
 * @param maxInboundInFlight how many of a client's publishes the hub may be working on before the head stops reading
 *                           from that client
 * @param maxOutboundInFlight how many messages a client may have unacknowledged before the next ones wait
 * @param maxOutboundInFlightBytes how many bytes of messages (bodies and topics) a client may have unacknowledged
 *                           before the next ones wait; one message larger than this still goes, alone
 * @param connectTimeout     how long a new connection has to send CONNECT
 * @param tlsBindAddress     the address the TLS listener binds: the guest's plain port stays on loopback for its
 *                           modules while TLS is open to leaf devices and host applications
 */
public record ServerSettings(String bindAddress, int port, Optional<TlsSettings> tls, int tlsPort, int maxPacketSize,
                             int maxInboundInFlight, int maxOutboundInFlight, int maxOutboundInFlightBytes,
                             Duration connectTimeout, String tlsBindAddress) {
    /** IoT Hub's largest device-to-cloud message. */
    public static final int DEFAULT_MAX_PACKET_SIZE = 256 * 1024;
    public static final int DEFAULT_MAX_INBOUND_IN_FLIGHT = 100;
    public static final int DEFAULT_MAX_OUTBOUND_IN_FLIGHT = 100;
    /**
     * 1 MiB: the count alone would let a client receiving IoT Hub's largest messages (256 KiB) hold 25 MiB of a
     * 128 MiB heap. A mebibyte is still several round trips' worth on any link a module has (loopback or the
     * guest's bridge), so small messages stay bound by the count and large ones still stream, four at a time.
     */
    public static final int DEFAULT_MAX_OUTBOUND_IN_FLIGHT_BYTES = 1 << 20;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    public ServerSettings {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(tlsBindAddress, "tlsBindAddress");
        Objects.requireNonNull(tls, "tls");
        checkPort(port);
        checkPort(tlsPort);
        positive(maxPacketSize, "maxPacketSize");
        positive(maxInboundInFlight, "maxInboundInFlight");
        positive(maxOutboundInFlight, "maxOutboundInFlight");
        positive(maxOutboundInFlightBytes, "maxOutboundInFlightBytes");
        if (maxOutboundInFlight > 0xFFFF) {
            throw new IllegalArgumentException("maxOutboundInFlight is at most 65535, the number of MQTT packet ids");
        }
        if (Objects.requireNonNull(connectTimeout, "connectTimeout").isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be positive");
        }
    }

    /** A plain listener only, with the default limits. */
    public static ServerSettings plain(String bindAddress, int port) {
        return new ServerSettings(bindAddress, port, Optional.empty(), 0, DEFAULT_MAX_PACKET_SIZE,
                DEFAULT_MAX_INBOUND_IN_FLIGHT, DEFAULT_MAX_OUTBOUND_IN_FLIGHT, DEFAULT_MAX_OUTBOUND_IN_FLIGHT_BYTES,
                DEFAULT_CONNECT_TIMEOUT, bindAddress);
    }

    /** A TLS listener on another address than the plain one. */
    public ServerSettings withTls(TlsSettings certificate, String bindAddress, int port) {
        return new ServerSettings(this.bindAddress, this.port, Optional.of(certificate), port, maxPacketSize,
                maxInboundInFlight, maxOutboundInFlight, maxOutboundInFlightBytes, connectTimeout, bindAddress);
    }

    public ServerSettings withTls(TlsSettings certificate, int port) {
        return new ServerSettings(bindAddress, this.port, Optional.of(certificate), port, maxPacketSize,
                maxInboundInFlight, maxOutboundInFlight, maxOutboundInFlightBytes, connectTimeout, tlsBindAddress);
    }

    public ServerSettings withMaxPacketSize(int bytes) {
        return new ServerSettings(bindAddress, port, tls, tlsPort, bytes, maxInboundInFlight, maxOutboundInFlight,
                maxOutboundInFlightBytes, connectTimeout, tlsBindAddress);
    }

    public ServerSettings withInFlight(int inbound, int outbound) {
        return new ServerSettings(bindAddress, port, tls, tlsPort, maxPacketSize, inbound, outbound, maxOutboundInFlightBytes,
                connectTimeout, tlsBindAddress);
    }

    public ServerSettings withOutboundInFlightBytes(int bytes) {
        return new ServerSettings(bindAddress, port, tls, tlsPort, maxPacketSize, maxInboundInFlight, maxOutboundInFlight,
                bytes, connectTimeout, tlsBindAddress);
    }

    public ServerSettings withConnectTimeout(Duration timeout) {
        return new ServerSettings(bindAddress, port, tls, tlsPort, maxPacketSize, maxInboundInFlight,
                maxOutboundInFlight, maxOutboundInFlightBytes, timeout, tlsBindAddress);
    }

    private static void checkPort(int port) {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("not a TCP port: " + port);
        }
    }

    private static void positive(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive, not " + value);
        }
    }
}
