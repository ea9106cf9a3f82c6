package io.eflow.it;

import io.eflow.platform.Exec;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A host port forwarded into a host-only qemu guest, added through QEMU's monitor while the guest runs. Such a guest
 * sits behind QEMU's user-mode NAT, which nothing outside can reach; this forward is the path that would reach it
 * if its firewall let it, so a test can show that the guest's nftables, not the NAT, are what drop an attacker.
 */
final class VmPortForward implements AutoCloseable {
    /** The user-mode network device QemuCommand gives the guest's NIC. */
    private static final String NETDEV = "n0";
    /** The reply to a human-monitor command: its output as one JSON string. */
    private static final Pattern TEXT_REPLY = Pattern.compile("\\{\"return\": ?\"(.*)\"}");
    private final Path qmp;
    private final String rule;

    private VmPortForward(Path qmp, String rule) {
        this.qmp = qmp;
        this.rule = rule;
    }

    /** Forwards {@code hostAddress:hostPort} on the host to {@code guestAddress:guestPort} in the guest. */
    static VmPortForward open(Path qmp, String hostAddress, int hostPort, String guestAddress, int guestPort) {
        VmPortForward forward = new VmPortForward(qmp, "tcp:" + hostAddress + ":" + hostPort);
        forward.monitor("hostfwd_add " + NETDEV + " " + forward.rule + "-" + guestAddress + ":" + guestPort, "");
        return forward;
    }

    @Override
    public void close() {
        monitor("hostfwd_remove " + NETDEV + " " + rule, "host forwarding rule for " + rule + " removed");
    }

    /** One human-monitor command over QMP; QEMU's reply is its text, which for an error is the error. */
    private void monitor(String command, String expected) {
        String input = "{\"execute\":\"qmp_capabilities\"}\n"
                + "{\"execute\":\"human-monitor-command\",\"arguments\":{\"command-line\":\"" + command + "\"}}\n";
        Exec.Result result = Exec.of("socat", "-t", "3", "-", "UNIX-CONNECT:" + qmp).input(input).timeoutSeconds(15).run();
        List<Matcher> replies = result.stdout().lines().map(TEXT_REPLY::matcher).filter(Matcher::matches).toList();
        String reply = replies.size() == 1 ? replies.get(0).group(1).replace("\\r\\n", "").strip() : null;
        if (!expected.equals(reply)) {
            throw new IllegalStateException("QEMU monitor: " + command + " answered " + reply + ": " + result.stdout() + result.stderr());
        }
    }
}
