package io.eflow.firewall;

import io.eflow.platform.EflowException;

import java.util.ArrayList;
import java.util.List;

/**
 * An instance's security settings kept in its configuration: the SSH transport, the user's firewall rules, whether
 * dm-verity checks the root and whether the guest reaches the host's TPM (both off by default, as in the seeds), and
 * whether the host keeps the guest's clock in step with its own (on by default, as Hyper-V's time synchronization is
 * for the original: certificates, SAS tokens and message expiry all read the guest's clock). Re-applied at every start.
 *
 * @param timeSync null in a configuration written before the setting existed: on
 */
public record GuestSecurity(SshTransport sshTransport, List<FirewallRule> firewallRules, boolean dmVerity, boolean tpmPassthrough,
                            Boolean timeSync) {

    public GuestSecurity(SshTransport sshTransport, List<FirewallRule> firewallRules) {
        this(sshTransport, firewallRules, false, false, true);
    }

    public GuestSecurity {
        sshTransport = sshTransport == null ? SshTransport.HOST_ONLY : sshTransport;
        firewallRules = firewallRules == null ? List.of() : List.copyOf(firewallRules);
        timeSync = timeSync == null || timeSync;
    }

    public static GuestSecurity defaults() {
        return new GuestSecurity(SshTransport.HOST_ONLY, List.of());
    }

    public GuestSecurity allow(FirewallRule rule) {
        if (firewallRules.contains(rule)) {
            throw EflowException.conflict("the firewall already allows " + rule);
        }
        List<FirewallRule> rules = new ArrayList<>(firewallRules);
        rules.add(rule);
        return new GuestSecurity(sshTransport, rules, dmVerity, tpmPassthrough, timeSync);
    }

    public GuestSecurity withDmVerity(boolean on) {
        return new GuestSecurity(sshTransport, firewallRules, on, tpmPassthrough, timeSync);
    }

    public GuestSecurity withTpmPassthrough(boolean on) {
        return new GuestSecurity(sshTransport, firewallRules, dmVerity, on, timeSync);
    }

    public GuestSecurity withTimeSync(boolean on) {
        return new GuestSecurity(sshTransport, firewallRules, dmVerity, tpmPassthrough, on);
    }

    public GuestSecurity remove(FirewallRule rule) {
        if (!firewallRules.contains(rule)) {
            throw EflowException.notFound("there is no firewall rule " + rule + "; 'eflow firewall list' shows them");
        }
        List<FirewallRule> rules = new ArrayList<>(firewallRules);
        rules.remove(rule);
        return new GuestSecurity(sshTransport, rules, dmVerity, tpmPassthrough, timeSync);
    }
}
