package io.eflow.network;

import io.eflow.platform.EflowException;
import io.eflow.platform.Exec;
import io.eflow.platform.FileTrees;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A network's host side: its bridge (with the host's address on an eflow subnet, or the uplink enslaved to it), Debian's
 * dnsmasq serving DHCP on an eflow subnet, and its nftables table (NAT out, or isolation for an internal network).
 * {@link #up} is idempotent: networks are brought up when added and again by each start of a guest that uses them, since
 * a host reboot takes bridges and daemons away.
 */
public final class NetworkHost {
    private final Path run;
    private final Path state;

    /** @param run where dnsmasq's pid files go; @param state where its lease files go */
    public NetworkHost(Path run, Path state) {
        this.run = run;
        this.state = state;
    }

    /**
     * The name of the bridge eflow makes for {@code network} of install {@code home}: stable, within the kernel's 15
     * characters, and distinct between installs side by side.
     */
    public static String bridgeName(Path home, String network) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((home + "\0" + network).getBytes(StandardCharsets.UTF_8));
            return "efn" + HexFormat.of().formatHex(digest, 0, 5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code iface} is a bridge already (then a bridge network joins it instead of making one). */
    public static boolean isBridge(String iface) {
        return Files.isDirectory(Path.of("/sys/class/net", iface, "bridge"));
    }

    public static boolean exists(String iface) {
        return Files.exists(Path.of("/sys/class/net", iface));
    }

    /** Whether the host has IPv4 addresses on {@code iface} (an interface eflow must not enslave). */
    public static boolean holdsAddresses(String iface) {
        return !Exec.of("ip", "-4", "-o", "addr", "show", "dev", iface).check().stdout().isBlank();
    }

    /** Whether eflow made the bridge (and so removes it with the network). */
    static boolean ownsBridge(HostNetwork network) {
        return !network.bridge().equals(network.uplink());
    }

    public synchronized void up(HostNetwork network) {
        if (!ownsBridge(network)) {
            if (!isBridge(network.bridge())) {
                throw new EflowException("network " + network.name() + "'s bridge " + network.bridge() + " is gone from this host:"
                        + " make it again, or remove the network's endpoints and the network");
            }
            return;
        }
        if (network.type() == NetworkType.BRIDGE && !exists(network.uplink())) {
            throw new EflowException("network " + network.name() + "'s interface " + network.uplink() + " is gone from this host");
        }
        if (network.type() == NetworkType.BRIDGE && holdsAddresses(network.uplink())) {
            throw new EflowException("network " + network.name() + "'s interface " + network.uplink() + " holds IPv4 addresses now,"
                    + " which bridging it would cut off; put them on a bridge with it, or remove the network");
        }
        List<String> batch = new ArrayList<>();
        if (!exists(network.bridge())) {
            batch.add("link add " + network.bridge() + " type bridge");
            if (network.type().eflowSubnet()) {
                batch.add("addr add " + network.hostAddress() + "/" + network.prefix() + " dev " + network.bridge());
            }
        }
        batch.add("link set " + network.bridge() + " up");
        if (network.type() == NetworkType.BRIDGE) {
            batch.add("link set " + network.uplink() + " master " + network.bridge());
            batch.add("link set " + network.uplink() + " up");
        }
        Exec.of("ip", "-batch", "-").input(String.join("\n", batch) + "\n").check();
        switch (network.type()) {
            case NAT -> {
                HostNat.enableForwarding();
                nft(HostNat.natTable(table(network), network.subnet(), network.bridge()));
            }
            case INTERNAL -> nft(HostNat.isolatedTable(table(network), network.bridge()));
            case BRIDGE -> {
                // the plant network's own routers and DHCP serve it; the host only switches frames
            }
        }
        if (network.type().eflowSubnet() && !dhcpRunning(network)) {
            startDhcp(network);
        }
    }

    /** Takes the network off the host: its DHCP server, its table, and its bridge when eflow made it (the uplink freed). */
    public synchronized void down(HostNetwork network) {
        stopDhcp(network);
        nft(HostNat.dropTable(table(network)));
        if (ownsBridge(network) && exists(network.bridge())) {
            if (network.uplink() != null && exists(network.uplink())) {
                Exec.of("ip", "link", "set", network.uplink(), "nomaster").run();
            }
            Exec.of("ip", "link", "del", network.bridge()).check();
        }
        FileTrees.deleteRecursively(leases(network));
    }

    private static void nft(String rules) {
        Exec.of("nft", "-f", "-").input(rules).check();
    }

    private static String table(HostNetwork network) {
        return "eflow_" + network.bridge();
    }

    private Path pidFile(HostNetwork network) {
        return run.resolve(network.bridge() + ".dnsmasq.pid");
    }

    private Path leases(HostNetwork network) {
        return state.resolve(network.bridge() + ".leases");
    }

    /**
     * dnsmasq for DHCP only (no DNS: eflow gives guests their name servers), bound to the bridge alone; a router
     * option on a NAT network, none on an internal one. It runs as root for its lease file in eflow's state.
     */
    private void startDhcp(HostNetwork network) {
        try {
            Files.createDirectories(run);
            Files.createDirectories(state);
        } catch (IOException e) {
            throw EflowException.failure("cannot make " + run + " or " + state + ": " + e.getMessage(), e);
        }
        String[] range = network.dhcpRange();
        List<String> argv = new ArrayList<>(List.of("dnsmasq", "--conf-file=/dev/null", "--port=0", "--bind-interfaces",
                "--interface=" + network.bridge(), "--except-interface=lo", "--user=root", "--dhcp-authoritative",
                "--dhcp-range=" + range[0] + "," + range[1] + "," + Subnets.address(Subnets.mask(network.prefix())) + ",12h",
                "--dhcp-leasefile=" + leases(network), "--pid-file=" + pidFile(network),
                "--log-facility=" + run.resolve(network.bridge() + ".dnsmasq.log")));
        if (network.type() == NetworkType.INTERNAL) {
            argv.add("--dhcp-option=option:router");
        }
        Exec.Result started = Exec.of(argv).timeoutSeconds(30).run();
        if (!started.ok()) {
            throw EflowException.failure("cannot start DHCP on network " + network.name() + ": " + started.describeFailure(), null);
        }
    }

    private boolean dhcpRunning(HostNetwork network) {
        long pid = pid(network);
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
                && ProcessHandle.of(pid).flatMap(p -> p.info().command()).map(c -> c.endsWith("dnsmasq")).orElse(false);
    }

    private long pid(HostNetwork network) {
        try {
            return Long.parseLong(Files.readString(pidFile(network)).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private void stopDhcp(HostNetwork network) {
        if (dhcpRunning(network)) {
            ProcessHandle process = ProcessHandle.of(pid(network)).orElseThrow();
            process.destroy();
            process.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> {
                process.destroyForcibly();
                return null;
            }).join();
        }
        FileTrees.deleteRecursively(pidFile(network));
    }
}
