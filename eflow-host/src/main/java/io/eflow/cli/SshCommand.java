package io.eflow.cli;

import io.eflow.daemon.api.ConnectInfo;
import io.eflow.platform.EflowException;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The OpenSSH command line for Connect-EflowVm: the host-only socket through socat, only the pinned host key,
 * only the daemon's short-lived certificate, so no ~/.ssh setting can weaken or redirect the login.
 */
final class SshCommand {
    /**
     * ssh expands % tokens and ~ in these values, splits some at spaces and runs ProxyCommand through a shell,
     * and socat splits its address at ':' and ','. Paths made of these characters pass all of them unchanged.
     */
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._/+@=-]+");

    private SshCommand() {
    }

    static List<String> argv(ConnectInfo info) {
        return List.of(
                "ssh", "-tt",
                "-o", "ProxyCommand=socat - UNIX-CONNECT:" + safe(info.socket(), "socket"),
                "-o", "UserKnownHostsFile=" + safe(info.knownHostsFile(), "known hosts file"),
                "-o", "StrictHostKeyChecking=yes",
                "-o", "HostKeyAlias=" + safe(info.hostAlias(), "host alias"),
                "-i", safe(info.identityFile(), "identity file"),
                "-o", "CertificateFile=" + safe(info.certificateFile(), "certificate file"),
                "-o", "IdentitiesOnly=yes",
                // bounds the SSH handshake too: a qemu guest's port that lost the client's first bytes fails in seconds
                "-o", "ConnectTimeout=15",
                safe(info.user(), "user") + "@" + info.hostAlias());
    }

    private static String safe(String value, String what) {
        if (value == null || !SAFE.matcher(value).matches() || value.startsWith("-")) {
            throw new EflowException(500, "cannot hand the " + what + " '" + value + "' to ssh safely: it must consist of letters, digits and ._/+@=- (choose a simpler EFLOW_HOME)");
        }
        return value;
    }
}
