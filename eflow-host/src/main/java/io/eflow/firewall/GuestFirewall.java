package io.eflow.firewall;

import java.util.List;
import java.util.Map;

/**
 * The guest's inbound firewall as one nftables ruleset: policy drop; loopback and established traffic allowed;
 * SSH on tcp/22 only with the TCP transport, with brute-force blocking; then the user's rules. Loaded as one
 * transaction that replaces the previous table, so there is never a moment without rules.
 */
public final class GuestFirewall {
    public static final String TABLE = "eflow_guest";
    /** More than this many new SSH connections from one address within a minute blocks it. */
    public static final int SSH_CONNECTIONS_PER_MINUTE = 3;
    public static final int BLOCK_SECONDS = 60;

    private GuestFirewall() {
    }

    /** The ruleset of a guest with the host link alone. */
    public static String render(GuestSecurity security) {
        return render(security, Map.of("default", "eth0"));
    }

    /** @param interfaces each endpoint's name to its interface in the guest, for rules that name one */
    public static String render(GuestSecurity security, Map<String, String> interfaces) {
        StringBuilder nft = new StringBuilder();
        nft.append("table inet ").append(TABLE).append("\n");
        nft.append("delete table inet ").append(TABLE).append("\n");
        nft.append("table inet ").append(TABLE).append(" {\n");
        nft.append("  set ssh_rate { type ipv4_addr; flags dynamic, timeout; timeout 2m; }\n");
        nft.append("  set ssh_blocked { type ipv4_addr; flags dynamic, timeout; timeout ").append(BLOCK_SECONDS).append("s; }\n");
        nft.append("  chain input {\n");
        nft.append("    type filter hook input priority filter; policy drop;\n");
        nft.append("    iifname \"lo\" accept\n");
        nft.append("    ct state established,related accept\n");
        nft.append("    ct state invalid drop\n");
        if (security.sshTransport() == SshTransport.TCP) {
            // A fourth new connection within a minute puts the source on the block list for a full window.
            nft.append("    tcp dport 22 ip saddr @ssh_blocked drop\n");
            nft.append("    tcp dport 22 ct state new update @ssh_rate { ip saddr limit rate over ")
                    .append(SSH_CONNECTIONS_PER_MINUTE).append("/minute burst ").append(SSH_CONNECTIONS_PER_MINUTE)
                    .append(" packets } add @ssh_blocked { ip saddr } drop\n");
            nft.append("    tcp dport 22 accept\n");
        }
        for (FirewallRule rule : security.firewallRules()) {
            nft.append("    ").append(rule.toNft(interfaces)).append("\n");
        }
        nft.append("  }\n");
        // a guest on several networks is not a router between them (a namespace guest inherits the host's forwarding)
        nft.append("  chain forward {\n");
        nft.append("    type filter hook forward priority filter; policy drop;\n");
        nft.append("  }\n");
        nft.append("}\n");
        return nft.toString();
    }

    /** What {@code eflow firewall list} shows: the fixed defaults, then the user's rules. */
    public static List<String> defaults(SshTransport transport) {
        return transport == SshTransport.TCP
                ? List.of("policy: drop inbound", "allow: loopback", "allow: established and related",
                "allow: tcp 22 (ssh, tcp transport) with at most " + SSH_CONNECTIONS_PER_MINUTE + " new connections per source per minute")
                : List.of("policy: drop inbound", "allow: loopback", "allow: established and related",
                "ssh: host-only channel (no tcp port open)");
    }
}
