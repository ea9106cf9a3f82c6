package io.eflow.firewall;

import io.eflow.platform.EflowException;

import java.util.Locale;

/**
 * A user rule that lets inbound traffic in: protocol, port (or range) and, optionally, the source network.
 * The counterpart of the eflow-util firewall functions, minus free-form iptables text.
 *
 * @param protocol tcp or udp
 * @param fromPort first port, 1-65535
 * @param toPort   last port, equal to fromPort for a single port
 * @param source   IPv4 CIDR the traffic must come from, or null for any
 */
public record FirewallRule(String protocol, int fromPort, int toPort, String source) {

    public FirewallRule {
        if (protocol == null || !(protocol.equals("tcp") || protocol.equals("udp"))) {
            throw new EflowException("firewall protocol must be tcp or udp, not '" + protocol + "'");
        }
        if (fromPort < 1 || toPort > 65535 || fromPort > toPort) {
            throw new EflowException("firewall port must be 1-65535 (or a range like 8000-8100), not " + portText(fromPort, toPort));
        }
        if (source != null) {
            source = Cidr.canonical(source);
        }
    }

    /** Parses the CLI's words: protocol, a port or range, and an optional CIDR. */
    public static FirewallRule of(String protocol, String ports, String source) {
        String proto = protocol == null ? "" : protocol.trim().toLowerCase(Locale.ROOT);
        if (ports == null || !ports.matches("\\d{1,5}(-\\d{1,5})?")) {
            throw new EflowException("firewall port must be a number or a range like 8000-8100, not '" + ports + "'");
        }
        String[] bounds = ports.split("-");
        int from = Integer.parseInt(bounds[0]);
        int to = bounds.length == 2 ? Integer.parseInt(bounds[1]) : from;
        return new FirewallRule(proto, from, to, source == null || source.isBlank() ? null : source.trim());
    }

    public String ports() {
        return portText(fromPort, toPort);
    }

    private static String portText(int from, int to) {
        return from == to ? Integer.toString(from) : from + "-" + to;
    }

    /** The rule as one nftables statement. */
    String toNft() {
        String port = fromPort == toPort ? Integer.toString(fromPort) : fromPort + "-" + toPort;
        return (source == null ? "" : "ip saddr " + source + " ") + protocol + " dport " + port + " accept";
    }

    @Override
    public String toString() {
        return protocol + " " + ports() + (source == null ? "" : " from " + source);
    }
}
