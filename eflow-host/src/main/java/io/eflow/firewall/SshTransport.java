package io.eflow.firewall;

import io.eflow.platform.InvalidValue;

import java.util.Locale;

/**
 * How sshd is reached: only over the host-only channel (the default, as in the original's CR release), or also on
 * tcp/22 of the guest's address, under the same certificate-only policy and behind the brute-force limit.
 */
public enum SshTransport {
    HOST_ONLY, TCP;

    public static SshTransport parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "host-only", "hostonly", "host_only" -> HOST_ONLY;
            case "tcp" -> TCP;
            default -> throw new InvalidValue("sshTransport", "must be host-only or tcp, not '" + text + "'");
        };
    }

    public String cliName() {
        return this == HOST_ONLY ? "host-only" : "tcp";
    }
}
