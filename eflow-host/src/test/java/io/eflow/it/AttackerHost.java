package io.eflow.it;

import io.eflow.platform.Exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A test host of the test's own: a network namespace joined to the host by a veth pair, with two addresses from
 * TEST-NET-2 (198.51.100.0/24), routed to the guests' subnets through the host. Probes connect from either address,
 * and servers the guests reach (a name server, a proxy) run in it: it stands for the plant network's other machines.
 */
final class AttackerHost implements AutoCloseable {
    static final String FIRST = "198.51.100.10";
    static final String SECOND = "198.51.100.11";
    /** The host's end of the attacker's link. */
    static final String HOST = "198.51.100.1";
    /** Named after the test run ({@link TestHost#runId()}): runs side by side never share the network. */
    private final String netns;
    private final String hostSide;

    /**
     * What a probe met. DROPPED is only a connection attempt that went out and got no reply (what the guests'
     * nftables do); a probe that could not leave at all (no route, unreachable, a bind error) is UNREACHABLE, so it
     * never passes for a firewall at work.
     */
    enum Outcome { ANSWERED, REFUSED, DROPPED, UNREACHABLE }

    /** @param banner what the server said first; @param detail socat's error, for UNREACHABLE */
    record Probe(Outcome outcome, String banner, String detail) {
    }

    AttackerHost(String runId) {
        netns = netns(runId);
        hostSide = hostSide(runId);
        close();
        // The test network must not overlap the host's own (this range is for documentation, so normally free).
        String hostAddresses = Exec.of("ip", "-4", "-o", "addr").check().stdout() + Exec.of("ip", "-4", "route").check().stdout();
        if (hostAddresses.contains("198.51.100.")) {
            throw new IllegalStateException("198.51.100.0/24 is in use on this host; the attacker test network needs it free");
        }
        Exec.of("ip", "netns", "add", netns).check();
        Exec.of("ip", "link", "add", hostSide, "type", "veth", "peer", "name", "eth0", "netns", netns).check();
        Exec.of("ip", "addr", "add", HOST + "/24", "dev", hostSide).check();
        Exec.of("ip", "link", "set", hostSide, "up").check();
        for (List<String> command : List.of(
                List.of("ip", "link", "set", "lo", "up"),
                List.of("ip", "addr", "add", FIRST + "/24", "dev", "eth0"),
                List.of("ip", "addr", "add", SECOND + "/24", "dev", "eth0"),
                List.of("ip", "link", "set", "eth0", "up"),
                List.of("ip", "route", "add", "172.30.0.0/16", "via", HOST))) {
            Exec.of(inNamespace(command)).check();
        }
    }

    private static String netns(String runId) {
        return "eflow-it-atk-" + runId;
    }

    /** Within the kernel's 15 characters for an interface name. */
    private static String hostSide(String runId) {
        return "efit" + runId.substring(Math.max(0, runId.length() - 10));
    }

    List<String> inNamespace(List<String> command) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        argv.addAll(command);
        return argv;
    }

    /**
     * Starts a long-running server in the namespace, its output (both streams) to {@code log}; the caller stops it.
     * Returns once {@code port} accepts on {@code FIRST} (TCP) or, for a UDP server, once it has bound.
     */
    Process serve(List<String> command, Path log, int tcpPort) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(inNamespace(command)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(command.get(0) + " ended at once: " + Files.readString(log).strip());
            }
            String listening = Exec.of(inNamespace(List.of("ss", "-Hlntu"))).check().stdout();
            if (listening.contains(FIRST + ":" + tcpPort + " ")) {
                return process;
            }
            Thread.sleep(20);
        }
        process.destroyForcibly();
        throw new IllegalStateException(command.get(0) + " did not listen on " + FIRST + ":" + tcpPort + " within 10 s");
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
        remove(netns, hostSide);
    }

    /** Removes the attacker network of run {@code runId}, if it made one (the harness's sweep of a killed run). */
    static void remove(String runId) {
        remove(netns(runId), hostSide(runId));
    }

    private static void remove(String netns, String hostSide) {
        if (Exec.of("ip", "link", "show", hostSide).run().ok()) {
            Exec.of("ip", "link", "del", hostSide).run();
        }
        if (Files.exists(Path.of("/run/netns", netns))) {
            Exec.of("ip", "netns", "delete", netns).run();
        }
    }
}
