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
    private static final String NETNS = "eflow-it-attacker";
    private static final String HOST_SIDE = "efit-atk0";

    enum Outcome { ANSWERED, REFUSED, NO_ANSWER }

    record Probe(Outcome outcome, String banner) {
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
        Exec.of("ip", "addr", "add", "198.51.100.1/24", "dev", HOST_SIDE).check();
        Exec.of("ip", "link", "set", HOST_SIDE, "up").check();
        for (List<String> command : List.of(
                List.of("ip", "link", "set", "lo", "up"),
                List.of("ip", "addr", "add", FIRST + "/24", "dev", "eth0"),
                List.of("ip", "addr", "add", SECOND + "/24", "dev", "eth0"),
                List.of("ip", "link", "set", "eth0", "up"),
                List.of("ip", "route", "add", "172.30.0.0/16", "via", "198.51.100.1"))) {
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
        Exec.Result result = Exec.of(inNamespace(List.of("socat", "-T", "3", "-u",
                "TCP:" + target + ":" + port + ",bind=" + source + ",connect-timeout=3", "STDOUT"))).timeoutSeconds(15).run();
        String err = result.stderr();
        if (!result.stdout().isEmpty()) {
            return new Probe(Outcome.ANSWERED, result.stdout().lines().findFirst().orElse(""));
        }
        if (err.contains("Connection refused")) {
            return new Probe(Outcome.REFUSED, "");
        }
        if (err.contains("timed out") || err.contains("Operation now in progress") || result.exitCode() != 0) {
            return new Probe(Outcome.NO_ANSWER, "");
        }
        return new Probe(Outcome.ANSWERED, "");
    }

    @Override
    public void close() {
        Exec.of("ip", "link", "del", HOST_SIDE).run();
        Exec.of("ip", "netns", "delete", NETNS).run();
    }
}
