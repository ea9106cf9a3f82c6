package io.eflow.firewall;

import io.eflow.platform.EflowException;

import java.util.Locale;
import java.util.Map;

/**
 * A user rule that lets inbound traffic in: protocol, port (or range) and, optionally, the source network.
 * The counterpart of the eflow-util firewall functions, minus free-form iptables text.
 *
 * @param protocol tcp or udp
 * @param fromPort first port, 1-65535
 * @param toPort   last port, equal to fromPort for a single port
 * @param source   IPv4 CIDR the traffic must come from, or null for any
 * @param endpoint the endpoint the traffic must come in on ({@code default} for the host link), or null for every one
 */
public record FirewallRule(String protocol, int fromPort, int toPort, String source, String endpoint) {

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
        if (endpoint != null && !endpoint.matches("[a-z][a-z0-9-]{0,30}")) {
            throw new EflowException("firewall endpoint must be an endpoint's name, not '" + endpoint + "'");
        }
    }

    public FirewallRule(String protocol, int fromPort, int toPort, String source) {
        this(protocol, fromPort, toPort, source, null);
    }

    /** Parses the CLI's words: protocol, a port or range, and an optional CIDR, on every endpoint. */
    public static FirewallRule of(String protocol, String ports, String source) {
        return of(protocol, ports, source, null);
    }

    /** The same, on one endpoint when {@code endpoint} is given. */
    public static FirewallRule of(String protocol, String ports, String source, String endpoint) {
        String proto = protocol == null ? "" : protocol.trim().toLowerCase(Locale.ROOT);
        if (ports == null || !ports.matches("\\d{1,5}(-\\d{1,5})?")) {
            throw new EflowException("firewall port must be a number or a range like 8000-8100, not '" + ports + "'");
        }
        String[] bounds = ports.split("-");
        int from = Integer.parseInt(bounds[0]);
        int to = bounds.length == 2 ? Integer.parseInt(bounds[1]) : from;
        return new FirewallRule(proto, from, to, source == null || source.isBlank() ? null : source.trim(),
                endpoint == null || endpoint.isBlank() ? null : endpoint.trim());
    }

    public String ports() {
        return portText(fromPort, toPort);
    }

    private static String portText(int from, int to) {
        return from == to ? Integer.toString(from) : from + "-" + to;
    }

    /** The rule as one nftables statement; {@code interfaces} maps endpoint names to the guest's interfaces. */
    String toNft(Map<String, String> interfaces) {
        String port = fromPort == toPort ? Integer.toString(fromPort) : fromPort + "-" + toPort;
        String on = "";
        if (endpoint != null) {
            String iface = interfaces.get(endpoint);
            if (iface == null) {
                throw new EflowException("the firewall rule " + this + " names endpoint '" + endpoint + "', which the guest does not have");
            }
            on = "iifname \"" + iface + "\" ";
        }
        return on + (source == null ? "" : "ip saddr " + source + " ") + protocol + " dport " + port + " accept";
    }

    @Override
    public String toString() {
        return protocol + " " + ports() + (source == null ? "" : " from " + source) + (endpoint == null ? "" : " on " + endpoint);
    }
}
