package io.eflow.daemon.api;

/**
 * A firewall rule to allow or remove, as the CLI's words: protocol, a port or range, an optional source CIDR.
 * Checked by {@link io.eflow.firewall.FirewallRule#of} in the daemon.
 */
public record FirewallChange(String protocol, String port, String source, String endpoint) {
}
