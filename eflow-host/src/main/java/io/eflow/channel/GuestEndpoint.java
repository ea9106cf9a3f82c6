package io.eflow.channel;

import org.apache.sshd.common.config.keys.KeyUtils;

import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.Objects;

/**
 * Where and how to reach one guest's sshd: its name (used in messages and as the SSH "host"), the host-side UNIX
 * socket of its management channel, the host key pinned at deploy, the login user, and while the host key is being
 * rotated the key coming in (else null): between writing it into the guest and pinning it, the guest may present
 * either, and both are eflow's own.
 */
public record GuestEndpoint(String name, Path socket, PublicKey pinnedHostKey, String user, PublicKey incomingHostKey) {
    public GuestEndpoint {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(pinnedHostKey, "pinnedHostKey");
        Objects.requireNonNull(user, "user");
    }

    /** An endpoint with one pinned key and no rotation under way. */
    public GuestEndpoint(String name, Path socket, PublicKey pinnedHostKey, String user) {
        this(name, socket, pinnedHostKey, user, null);
    }

    /** The login user of eflow guests. */
    public static final String DEFAULT_USER = "iotedge-user";

    public static GuestEndpoint of(String name, Path socket, PublicKey pinnedHostKey) {
        return new GuestEndpoint(name, socket, pinnedHostKey, DEFAULT_USER);
    }

    /** The host keys this guest may present: the pinned one, and the incoming one during a rotation. */
    public List<PublicKey> acceptedHostKeys() {
        return incomingHostKey == null ? List.of(pinnedHostKey) : List.of(pinnedHostKey, incomingHostKey);
    }

    /** True when {@code key} is one of {@link #acceptedHostKeys()}. */
    public boolean accepts(PublicKey key) {
        return key != null && acceptedHostKeys().stream().anyMatch(accepted -> KeyUtils.compareKeys(accepted, key));
    }

    /** The same guest, user and socket, whatever host keys each accepts. */
    boolean sameGuest(GuestEndpoint other) {
        return other != null && name.equals(other.name) && socket.equals(other.socket) && user.equals(other.user);
    }
}
