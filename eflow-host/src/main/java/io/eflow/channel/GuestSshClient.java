package io.eflow.channel;

import org.apache.sshd.client.ClientBuilder;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.password.PasswordIdentityProvider;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntry;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.kex.KeyExchangeFactory;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.server.forward.AgentForwardingFilter;
import org.apache.sshd.server.forward.ForwardingFilter;
import org.apache.sshd.server.forward.TcpForwardingFilter;
import org.apache.sshd.server.forward.X11ForwardingFilter;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A MINA {@link SshClient} that reaches guests over their UNIX-socket management channel, verifies the pinned host
 * key, and reads no OpenSSH client configuration, known_hosts or default identities of the user running eflow.
 */
final class GuestSshClient extends SshClient {
    /** Not a network port: the SSH layer wants one in the placeholder address it keeps for logs and host config. */
    static final int PLACEHOLDER_PORT = 22;

    /**
     * X25519 only. The channel never leaves this machine (a UNIX socket, or a VM's virtio-serial port), so a
     * post-quantum hybrid guards against nothing an eavesdropper without root here could do, while it costs several
     * times more per handshake, paid at every start and every new connection (MINA and OpenSSH 9.2 would otherwise
     * agree on sntrup761x25519).
     */
    private static final List<KeyExchangeFactory> KEY_EXCHANGES = NamedFactory.setUpTransformedFactories(false,
            List.of(BuiltinDHFactories.curve25519, BuiltinDHFactories.curve25519_libssh), ClientBuilder.DH2KEX);

    /** A client with eflow's policy (pinned host keys, public-key authentication only), not yet started. */
    static GuestSshClient create() {
        GuestSshClient client = (GuestSshClient) ClientBuilder.builder()
                .factory(GuestSshClient::new)
                .serverKeyVerifier(new PinnedHostKeyVerifier())
                .hostConfigEntryResolver(HostConfigEntryResolver.EMPTY)
                .keyExchangeFactories(KEY_EXCHANGES)
                .forwardingFilter(ForwardingFilter.asForwardingFilter(AgentForwardingFilter.of(false), X11ForwardingFilter.of(false),
                        FORWARDS))
                .build();
        client.setIoServiceFactoryFactory(new UnixSocketServiceFactoryFactory());
        client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        client.setPasswordIdentityProvider(PasswordIdentityProvider.EMPTY_PASSWORDS_PROVIDER);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        return client;
    }

    /**
     * The guest's sshd may hand back connections only for the forwards eflow asked for ({@code Forwarded}: the target
     * is looked up from our own table, never taken from the guest), and only to the host's loopback. The client never
     * listens through MINA (tunnels into the guest are opened explicitly) and takes no direct-tcpip from the guest.
     */
    private static final TcpForwardingFilter FORWARDS = new TcpForwardingFilter() {
        @Override
        public boolean canListen(SshdSocketAddress address, Session session) {
            return false;
        }

        @Override
        public boolean canConnect(Type type, SshdSocketAddress target, Session session) {
            return type == Type.Forwarded && SshdSocketAddress.isLoopback(target.getHostName());
        }
    };

    /**
     * Opens the transport to the guest's sshd. Goes below {@code connect(user, host, port)} on purpose: that path
     * builds a resolved {@link InetSocketAddress}, i.e. a DNS lookup of the guest's name.
     *
     * @param mismatch gets the fingerprint of a host key the guest presented that {@code endpoint} does not accept
     */
    ConnectFuture connect(GuestEndpoint endpoint, AtomicReference<String> mismatch) throws IOException {
        AttributeRepository context = AttributeRepository.ofAttributesMap(Map.of(
                UnixSocketConnector.SOCKET_PATH, endpoint.socket(),
                PinnedHostKeyVerifier.PINNED_ENDPOINT, endpoint,
                PinnedHostKeyVerifier.MISMATCH, mismatch));
        HostConfigEntry entry = new HostConfigEntry(endpoint.name(), endpoint.name(), PLACEHOLDER_PORT, endpoint.user());
        InetSocketAddress placeholder = InetSocketAddress.createUnresolved(endpoint.name(), PLACEHOLDER_PORT);
        return doConnect(endpoint.user(), placeholder, context, null, null, entry);
    }
}
