package io.eflow.channel;

import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.config.keys.KeyUtils;

import java.net.SocketAddress;
import java.security.PublicKey;

/**
 * Accepts exactly the host key pinned for the guest at deploy; never learns or accepts a new one. A mismatch is
 * recorded on the session so that the caller can say what happened instead of MINA's generic key-exchange error.
 */
final class PinnedHostKeyVerifier implements ServerKeyVerifier {
    static final AttributeRepository.AttributeKey<PublicKey> PINNED_HOST_KEY = new AttributeRepository.AttributeKey<>();
    /** Set when the guest presented another key: the fingerprint it presented. */
    static final AttributeRepository.AttributeKey<String> MISMATCH = new AttributeRepository.AttributeKey<>();

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
        AttributeRepository context = session.getConnectionContext();
        PublicKey pinned = context == null ? null : context.getAttribute(PINNED_HOST_KEY);
        if (pinned != null && KeyUtils.compareKeys(pinned, serverKey)) {
            return true;
        }
        session.setAttribute(MISMATCH, KeyUtils.getFingerPrint(serverKey));
        return false;
    }
}
