package io.eflow.channel;

import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.config.keys.KeyUtils;

import java.net.SocketAddress;
import java.security.PublicKey;

/**
 * Accepts exactly the host key pinned for the guest (and, while eflow rotates it, the key eflow itself is putting in
 * its place); never learns or accepts a new one. A mismatch is recorded on the session so that the caller can say
 * what happened instead of MINA's generic key-exchange error.
 */
final class PinnedHostKeyVerifier implements ServerKeyVerifier {
    /** The endpoint the session was opened for: its accepted keys, fixed for the session's life (a re-key included). */
    static final AttributeRepository.AttributeKey<GuestEndpoint> PINNED_ENDPOINT = new AttributeRepository.AttributeKey<>();
    /** Set when the guest presented another key: the fingerprint it presented. */
    static final AttributeRepository.AttributeKey<String> MISMATCH = new AttributeRepository.AttributeKey<>();

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
        AttributeRepository context = session.getConnectionContext();
        GuestEndpoint pinned = context == null ? null : context.getAttribute(PINNED_ENDPOINT);
        if (pinned != null && pinned.accepts(serverKey)) {
            return true;
        }
        session.setAttribute(MISMATCH, KeyUtils.getFingerPrint(serverKey));
        return false;
    }
}
