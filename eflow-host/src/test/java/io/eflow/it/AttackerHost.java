package io.eflow.it;

import io.eflow.platform.Exec;

import java.util.List;

/**
 * A test host of the test's own: a network namespace joined to the host by a veth pair, with two addresses from
 * TEST-NET-2 (198.51.100.0/24), routed to the guests' subnets through the host. Probes connect from either address.
 */
final class AttackerHost implements AutoCloseable {
    static final String FIRST = "198.51.100.10";
    static final String SECOND = "198.51.100.11";
    /** The host's end of the attacker's link. */
    static final String HOST = "198.51.100.1";
    private static final String NETNS = "eflow-it-attacker";
    private static final String HOST_SIDE = "efit-atk0";

    /**
     * What a probe met. DROPPED is only a connection attempt that went out and got no reply (what the guests'
     * nftables do); a probe that could not leave at all (no route, unreachable, a bind error) is UNREACHABLE, so it
     * never passes for a firewall at work.
     */
    enum Outcome { ANSWERED, REFUSED, DROPPED, UNREACHABLE }

    /** @param banner what the server said first; @param detail socat's error, for UNREACHABLE */
    record Probe(Outcome outcome, String banner, String detail) {
    }

    AttackerHost() {
        close();
        // The test network must not overlap the host's own (this range is for documentation, so normally free).
        String hostAddresses = Exec.of("ip", "-4", "-o", "addr").check().stdout() + Exec.of("ip", "-4", "route").check().stdout();
        if (hostAddresses.contains("198.51.100.")) {
            throw new IllegalStateException("198.51.100.0/24 is in use on this host; the attacker test network needs it free");
        }
        Exec.of("ip", "netns", "add", NETNS).check();
        Exec.of("ip", "link", "add", HOST_SIDE, "type", "veth", "peer", "name", "eth0", "netns", NETNS).check();
        Exec.of("ip", "addr", "add", HOST + "/24", "dev", HOST_SIDE).check();
        Exec.of("ip", "link", "set", HOST_SIDE, "up").check();
        for (List<String> command : List.of(
                List.of("ip", "link", "set", "lo", "up"),
                List.of("ip", "addr", "add", FIRST + "/24", "dev", "eth0"),
                List.of("ip", "addr", "add", SECOND + "/24", "dev", "eth0"),
                List.of("ip", "link", "set", "eth0", "up"),
                List.of("ip", "route", "add", "172.30.0.0/16", "via", HOST))) {
            Exec.of(inNamespace(command)).check();
        }
    }

    private static List<String> inNamespace(List<String> command) {
        List<String> argv = new java.util.ArrayList<>(List.of("ip", "netns", "exec", NETNS));
        argv.addAll(command);
        return argv;
    }

    /** Opens a TCP connection from {@code source} and reads what the server says first (an SSH banner, say). */
    Probe connect(String source, String target, int port) {
        return probe(source, target, port, false);
    }

    /**
     * The same through a port forward that accepts on the guest's behalf (QEMU's user-mode network): the connection
     * always opens, and what the guest did shows next: a reset closes it at once, a dropped SYN leaves it silent.
     */
    Probe connectThroughForward(String source, String forwardAddress, int forwardPort) {
        return probe(source, forwardAddress, forwardPort, true);
    }

    private Probe probe(String source, String target, int port, boolean forwarded) {
        // -d -d: socat logs whether the connection opened and how it ended, which the exit code does not tell
        Exec.Result result = Exec.of(inNamespace(List.of("socat", "-d", "-d", "-T", "3", "-u",
                "TCP:" + target + ":" + port + ",bind=" + source + ",connect-timeout=3", "STDOUT"))).timeoutSeconds(15).run();
        String log = result.stderr();
        if (!result.stdout().isEmpty()) {
            return new Probe(Outcome.ANSWERED, result.stdout().lines().findFirst().orElse(""), "");
        }
        if (log.contains("Connection refused")) {
            return new Probe(Outcome.REFUSED, "", "");
        }
        if (log.contains("Connection timed out")) {
            return new Probe(Outcome.DROPPED, "", "");
        }
        if (log.contains("starting data transfer loop")) {
            if (!forwarded) {
                return new Probe(Outcome.ANSWERED, "", "accepted, said nothing");
            }
            return log.contains("inactivity timeout triggered") ? new Probe(Outcome.DROPPED, "", "")
                    : new Probe(Outcome.REFUSED, "", "the forward closed without a word");
        }
        String error = log.lines().filter(line -> line.contains(" E ")).findFirst().orElse("socat exit " + result.exitCode());
        return new Probe(Outcome.UNREACHABLE, "", error);
    }

    @Override
    public void close() {
        Exec.of("ip", "link", "del", HOST_SIDE).run();
        Exec.of("ip", "netns", "delete", NETNS).run();
    }
}
