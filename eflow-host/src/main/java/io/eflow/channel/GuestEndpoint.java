package io.eflow.channel;

import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Objects;

/**
 * Where and how to reach one guest's sshd: its name (used in messages and as the SSH "host"), the host-side UNIX
 * socket of its management channel, the host key pinned at deploy, and the login user.
 */
public record GuestEndpoint(String name, Path socket, PublicKey pinnedHostKey, String user) {
    public GuestEndpoint {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(pinnedHostKey, "pinnedHostKey");
        Objects.requireNonNull(user, "user");
    }

    /** The login user of eflow guests. */
    public static final String DEFAULT_USER = "iotedge-user";

    public static GuestEndpoint of(String name, Path socket, PublicKey pinnedHostKey) {
        return new GuestEndpoint(name, socket, pinnedHostKey, DEFAULT_USER);
    }
}
