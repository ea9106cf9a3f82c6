package io.eflow.channel;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

import org.apache.sshd.client.ClientBuilder;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.password.PasswordIdentityProvider;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntry;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;

/**
 * A MINA {@link SshClient} that reaches guests over their UNIX-socket management channel, verifies the pinned host
 * key, and reads no OpenSSH client configuration, known_hosts or default identities of the user running eflow.
 */
final class GuestSshClient extends SshClient {
    /** Not a network port: the SSH layer wants one in the placeholder address it keeps for logs and host config. */
    static final int PLACEHOLDER_PORT = 22;

    /** A client with eflow's policy (pinned host keys, public-key authentication only), not yet started. */
    static GuestSshClient create() {
        GuestSshClient client = (GuestSshClient) ClientBuilder.builder()
                .factory(GuestSshClient::new)
                .serverKeyVerifier(new PinnedHostKeyVerifier())
                .hostConfigEntryResolver(HostConfigEntryResolver.EMPTY)
                .build();
        client.setIoServiceFactoryFactory(new UnixSocketServiceFactoryFactory());
        client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        client.setPasswordIdentityProvider(PasswordIdentityProvider.EMPTY_PASSWORDS_PROVIDER);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        return client;
    }

    /**
     * Opens the transport to the guest's sshd. Goes below {@code connect(user, host, port)} on purpose: that path
     * builds a resolved {@link InetSocketAddress}, i.e. a DNS lookup of the guest's name.
     */
    ConnectFuture connect(GuestEndpoint endpoint) throws IOException {
        AttributeRepository context = AttributeRepository.ofAttributesMap(Map.of(
                UnixSocketConnector.SOCKET_PATH, endpoint.socket(),
                PinnedHostKeyVerifier.PINNED_HOST_KEY, endpoint.pinnedHostKey()));
        HostConfigEntry entry = new HostConfigEntry(endpoint.name(), endpoint.name(), PLACEHOLDER_PORT, endpoint.user());
        InetSocketAddress placeholder = InetSocketAddress.createUnresolved(endpoint.name(), PLACEHOLDER_PORT);
        return doConnect(endpoint.user(), placeholder, context, null, null, entry);
    }
}
