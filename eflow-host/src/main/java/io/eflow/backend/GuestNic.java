package io.eflow.backend;

import io.eflow.instance.model.NetworkConfig;
import io.eflow.network.HostNat;
import io.eflow.platform.Exec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The guest's network interface as the host builds it: a host interface holding the gateway address, with NAT for
 * the guest's outbound traffic, and reachable from the host (and whatever the host routes to it) like any other address.
 * The namespace backend puts the other end, eth0, in the guest's own network namespace (a veth pair); a VM gets a
 * tap device instead. Nothing on the host listens for the guest: management uses the host-only SSH socket.
 */
public final class GuestNic {
    private final String instance;
    private final NetworkConfig network;

    public GuestNic(String instance, NetworkConfig network) {
        this.instance = instance;
        this.network = network;
    }

    public String netns() {
        return netns(instance);
    }

    private static String netns(String instance) {
        return "eflow-" + instance;
    }

    public Path netnsPath() {
        return Path.of("/run/netns", netns());
    }

    public String hostInterface() {
        return hostInterface(instance);
    }

    /** Host-side interface name: stable per instance and within the kernel's 15-character limit. */
    private static String hostInterface(String instance) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(instance.getBytes(StandardCharsets.UTF_8));
            return "ef" + HexFormat.of().formatHex(digest, 0, 5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    String nftTable() {
        return nftTable(instance);
    }

    private static String nftTable(String instance) {
        return "eflow_" + instance.replace('-', '_');
    }

    /**
     * A veth pair: the host end here, eth0 in a new network namespace with the guest's address and route. Each side
     * is one {@code ip -batch}: a process start costs more than the work of any line.
     */
    public void createInNamespace() {
        build(List.of("netns add " + netns(), "link add " + hostInterface() + " type veth peer name eth0 netns " + netns()),
                () -> Exec.of("ip", "-n", netns(), "-batch", "-").input(String.join("\n",
                        "link set lo up",
                        "link set eth0 address " + network.mac(),
                        "addr add " + network.address() + "/" + network.prefix() + " dev eth0",
                        "link set eth0 up",
                        "route add default via " + network.gateway() + " metric " + GuestLinks.PRIMARY_METRIC) + "\n").check());
    }

    /** A tap device for a VM's NIC (QEMU opens it by name); the guest configures its own end at boot. */
    public void createTap() {
        build(List.of("tuntap add dev " + hostInterface() + " mode tap"), () -> {
        });
    }

    private void build(List<String> hostEnd, Runnable guestEnd) {
        // the NAT table is replaced whole below: dropping it here too would be one more nftables transaction, and each
        // costs the kernel an RCU grace period (~15 ms here), not CPU
        removeLinks(instance);
        try {
            List<String> host = new ArrayList<>(hostEnd);
            host.add("addr add " + network.gateway() + "/" + network.prefix() + " dev " + hostInterface());
            host.add("link set " + hostInterface() + " up");
            Exec.of("ip", "-batch", "-").input(String.join("\n", host) + "\n").check();
            guestEnd.run();
            HostNat.enableForwarding();
            Exec.of("nft", "-f", "-").input(HostNat.natTable(nftTable(), network.subnet(), hostInterface())).check();
        } catch (RuntimeException e) {
            remove(instance);
            throw e;
        }
    }

    /** Removes the namespace, the veth pair or tap and the NAT rules; quiet about parts already gone. */
    public static void remove(String instance) {
        Exec.of("nft", "-f", "-").input(HostNat.dropTable(nftTable(instance))).check();
        removeLinks(instance);
    }

    /**
     * Removes the namespace and the veth pair or tap but leaves the NAT table, for a start that replaces it: rules
     * naming an interface that is gone match nothing in the meantime.
     */
    public static void removeLinks(String instance) {
        if (Files.exists(Path.of("/sys/class/net", hostInterface(instance)))) {
            Exec.of("ip", "link", "del", hostInterface(instance)).run();
        }
        if (Files.exists(Path.of("/run/netns", netns(instance)))) {
            Exec.of("ip", "netns", "delete", netns(instance)).check();
        }
    }
}
