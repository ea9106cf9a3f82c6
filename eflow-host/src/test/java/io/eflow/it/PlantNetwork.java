package io.eflow.it;

import io.eflow.platform.Exec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A "plant" network of the test's own: a network namespace with a bridge, Debian's dnsmasq serving DHCP and DNS (for
 * {@link #NAME} only) on it, a client
 * namespace on the same bridge, and an uplink veth whose host end an eflow bridge network can take (as an External
 * switch takes a NIC). Addresses come from 198.18.0.0/15, the range set aside for network tests.
 */
final class PlantNetwork implements AutoCloseable {
    static final String SUBNET = "198.18.7.0/24";
    static final String ROUTER = "198.18.7.1";
    static final String CLIENT = "198.18.7.9";
    static final String DHCP_FIRST = "198.18.7.100";
    /** The one name the plant's name server knows, and its answer. */
    static final String NAME = "plant-it.example";
    static final String NAME_ADDRESS = "198.18.7.77";
    private final String plant;
    private final String client;
    private final String uplink;

    PlantNetwork(String runId, Path log) {
        this(runId);
        close();
        String hostRoutes = Exec.of("ip", "-4", "-o", "addr").check().stdout() + Exec.of("ip", "-4", "route").check().stdout();
        if (hostRoutes.contains("198.18.7.") || hostRoutes.contains("198.19.7.")) {
            throw new IllegalStateException("198.18.7.0/24 or 198.19.7.0/24 is in use on this host; the plant test network needs them");
        }
        Exec.of("ip", "netns", "add", plant).check();
        Exec.of("ip", "netns", "add", client).check();
        Exec.of("ip", "link", "add", uplink, "type", "veth", "peer", "name", "up0", "netns", plant).check();
        Exec.of("ip", "link", "set", uplink, "up").check();
        Exec.of("ip", "-n", plant, "-batch", "-").input(String.join("\n",
                "link set lo up",
                "link add br0 type bridge",
                "addr add " + ROUTER + "/24 dev br0",
                "link set br0 up",
                "link set up0 master br0",
                "link set up0 up",
                "link add cport type veth peer name eth0 netns " + client,
                "link set cport master br0",
                "link set cport up") + "\n").check();
        Exec.of("ip", "-n", client, "-batch", "-").input(String.join("\n",
                "link set lo up",
                "addr add " + CLIENT + "/24 dev eth0",
                "link set eth0 up") + "\n").check();
        // dnsmasq forks once it listens; its pid file lets close() stop it. No upstream, no /etc/hosts: it answers for NAME only
        Exec.of("ip", "netns", "exec", plant, "dnsmasq", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--log-queries",
                "--address=/" + NAME + "/" + NAME_ADDRESS, "--bind-interfaces", "--interface=br0",
                "--dhcp-range=" + DHCP_FIRST + ",198.18.7.150,255.255.255.0,1h", "--dhcp-option=option:router," + ROUTER,
                "--dhcp-leasefile=" + log.resolveSibling("plant.leases"), "--pid-file=" + pidFile(), "--user=root",
                "--log-dhcp", "--log-facility=" + log).check();
    }

    private PlantNetwork(String runId) {
        plant = "eflow-it-plant-" + runId;
        client = "eflow-it-client-" + runId;
        uplink = "efp" + runId.substring(Math.max(0, runId.length() - 8));
    }

    /** Removes the plant network of run {@code runId}, if it made one (the harness's sweep of a killed run). */
    static void remove(String runId) {
        new PlantNetwork(runId).close();
    }

    /** The host interface an eflow bridge network takes. */
    String uplink() {
        return uplink;
    }

    /** Whether a TCP connection from the client namespace to {@code address:port} opens within 3 s. */
    boolean clientConnects(String address, int port) {
        Exec.Result result = Exec.of("ip", "netns", "exec", client, "socat", "-d", "-d", "-T", "1", "-u",
                "TCP:" + address + ":" + port + ",connect-timeout=3", "STDOUT").timeoutSeconds(15).run();
        return result.stderr().contains("starting data transfer loop");
    }

    private Path pidFile() {
        return Path.of("/run", plant + ".dnsmasq.pid");
    }

    @Override
    public void close() {
        try {
            if (Files.exists(pidFile())) {
                long pid = Long.parseLong(Files.readString(pidFile()).trim());
                ProcessHandle.of(pid).ifPresent(process -> {
                    process.destroy();
                    process.onExit().join();
                });
                Files.delete(pidFile());
            }
        } catch (Exception e) {
            // nothing running
        }
        if (Exec.of("ip", "link", "show", uplink).run().ok()) {
            Exec.of("ip", "link", "del", uplink).run();
        }
        for (String netns : List.of(client, plant)) {
            if (Files.exists(Path.of("/run/netns", netns))) {
                Exec.of("ip", "netns", "delete", netns).run();
            }
        }
    }
}
