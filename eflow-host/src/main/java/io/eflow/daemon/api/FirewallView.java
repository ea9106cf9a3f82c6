package io.eflow.daemon.api;

import io.eflow.firewall.FirewallRule;
import io.eflow.firewall.SshTransport;

import java.util.List;

/** {@code eflow firewall list}: the SSH transport, the fixed default rules, and the user's rules. */
public record FirewallView(SshTransport sshTransport, List<String> defaults, List<FirewallRule> rules) {
}
