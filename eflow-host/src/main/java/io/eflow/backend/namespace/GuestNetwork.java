package io.eflow.backend.namespace;

import io.eflow.instance.NetworkConfig;
import io.eflow.platform.EflowException;
import io.eflow.platform.Exec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The guest's own network namespace, joined to the host by a veth pair (eth0 inside), with NAT for outbound
 * traffic. Nothing on the host listens for the guest: management uses the host-only SSH socket.
 */
final class GuestNetwork {
    private final String instance;
    private final NetworkConfig network;

    GuestNetwork(String instance, NetworkConfig network) {
        this.instance = instance;
        this.network = network;
    }

    String netns() {
        return netns(instance);
    }

    private static String netns(String instance) {
        return "eflow-" + instance;
    }

    Path netnsPath() {
        return Path.of("/run/netns", netns());
    }

    String hostInterface() {
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

    void create() {
        remove(instance);
        String veth = hostInterface();
        String cidr = "/" + network.prefix();
        try {
            Exec.of("ip", "netns", "add", netns()).check();
            Exec.of("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", netns()).check();
            Exec.of("ip", "addr", "add", network.gateway() + cidr, "dev", veth).check();
            Exec.of("ip", "link", "set", veth, "up").check();
            Exec.of("ip", "-n", netns(), "link", "set", "lo", "up").check();
            Exec.of("ip", "-n", netns(), "link", "set", "eth0", "address", network.mac()).check();
            Exec.of("ip", "-n", netns(), "addr", "add", network.address() + cidr, "dev", "eth0").check();
            Exec.of("ip", "-n", netns(), "link", "set", "eth0", "up").check();
            Exec.of("ip", "-n", netns(), "route", "add", "default", "via", network.gateway()).check();
            enableForwarding();
            Exec.of("nft", "-f", "-").input(natRules(veth)).check();
        } catch (RuntimeException e) {
            remove(instance);
            throw e;
        }
    }

    private String natRules(String veth) {
        return """
                table ip %1$s {
                  chain postrouting {
                    type nat hook postrouting priority srcnat; policy accept;
                    ip saddr %2$s oifname != "%3$s" masquerade
                  }
                  chain forward {
                    type filter hook forward priority filter; policy accept;
                    iifname "%3$s" accept
                    oifname "%3$s" ct state established,related accept
                  }
                }
                """.formatted(nftTable(), network.subnet(), veth);
    }

    /** NAT needs the host to route; Docker and libvirt make the same host-wide change. */
    private static void enableForwarding() {
        Path forward = Path.of("/proc/sys/net/ipv4/ip_forward");
        try {
            if (!Files.readString(forward).trim().equals("1")) {
                Files.writeString(forward, "1");
            }
        } catch (java.io.IOException e) {
            throw EflowException.failure("cannot enable IPv4 forwarding for the guest's NAT: " + e.getMessage(), e);
        }
    }

    /** Removes the namespace, the veth pair and the NAT rules; quiet about parts already gone. */
    static void remove(String instance) {
        if (Exec.of("nft", "list", "table", "ip", nftTable(instance)).run().ok()) {
            Exec.of("nft", "delete", "table", "ip", nftTable(instance)).check();
        }
        if (Files.exists(Path.of("/sys/class/net", hostInterface(instance)))) {
            Exec.of("ip", "link", "del", hostInterface(instance)).run();
        }
        if (Files.exists(Path.of("/run/netns", netns(instance)))) {
            Exec.of("ip", "netns", "delete", netns(instance)).check();
        }
    }
}
