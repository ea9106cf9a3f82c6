package io.eflow.network;

import io.eflow.platform.EflowException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The host's nftables for a guest link or an eflow network: one table each, replaced whole in one transaction. */
public final class HostNat {
    private HostNat() {
    }

    /** Masquerades {@code subnet} going out anywhere but {@code iface}, and lets it and its replies through. */
    public static String natTable(String table, String subnet, String iface) {
        return dropTable(table) + """
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
                """.formatted(table, subnet, iface);
    }

    /** An internal network: its hosts reach the host and each other, and nothing the host routes to, nor it them. */
    public static String isolatedTable(String table, String iface) {
        return dropTable(table) + """
                table ip %1$s {
                  chain forward {
                    type filter hook forward priority filter - 1; policy accept;
                    iifname "%2$s" oifname != "%2$s" drop
                    oifname "%2$s" iifname != "%2$s" drop
                  }
                }
                """.formatted(table, iface);
    }

    /** nft input that deletes {@code table}, present or not (adding an existing table changes nothing). */
    public static String dropTable(String table) {
        return "table ip " + table + " {}\ndelete table ip " + table + "\n";
    }

    /** NAT needs the host to route; Docker and libvirt make the same host-wide change. */
    public static void enableForwarding() {
        Path forward = Path.of("/proc/sys/net/ipv4/ip_forward");
        try {
            if (!Files.readString(forward).trim().equals("1")) {
                Files.writeString(forward, "1");
            }
        } catch (IOException e) {
            throw EflowException.failure("cannot enable IPv4 forwarding for the guest's NAT: " + e.getMessage(), e);
        }
    }
}
