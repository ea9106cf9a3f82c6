package io.eflow.channel;

import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.config.keys.KeyUtils;

import java.net.SocketAddress;
import java.security.PublicKey;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Accepts exactly the host key pinned for the guest (and, while eflow rotates it, the key eflow itself is putting in
 * its place); never learns or accepts a new one. A mismatch is recorded on the session so that the caller can say
 * what happened instead of MINA's generic key-exchange error.
 */
final class PinnedHostKeyVerifier implements ServerKeyVerifier {
    /** The endpoint the session was opened for: its accepted keys, fixed for the session's life (a re-key included). */
    static final AttributeRepository.AttributeKey<GuestEndpoint> PINNED_ENDPOINT = new AttributeRepository.AttributeKey<>();
    /**
     * Where the fingerprint of another key the guest presented is recorded: a holder of the connecting caller's, in the
     * connection context, because MINA clears a session's own attributes once its close completes, which a refused key
     * starts at once (a session attribute would often be gone by the time the caller asks why).
     */
    static final AttributeRepository.AttributeKey<AtomicReference<String>> MISMATCH = new AttributeRepository.AttributeKey<>();

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
        AttributeRepository context = session.getConnectionContext();
        GuestEndpoint pinned = context == null ? null : context.getAttribute(PINNED_ENDPOINT);
        if (pinned != null && pinned.accepts(serverKey)) {
            return true;
        }
        AtomicReference<String> mismatch = context == null ? null : context.getAttribute(MISMATCH);
        if (mismatch != null) {
            mismatch.set(KeyUtils.getFingerPrint(serverKey));
        }
        return false;
    }
}
