package io.eflow.firewall;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GuestFirewallTest {
    private static final Map<String, String> INTERFACES = Map.of("default", "eth0", "plant", "eth1", "lab", "eth2");

    @Test
    void aRuleOnAnEndpointMatchesItsInterfaceOnlyAndOneWithoutMatchesEvery() {
        GuestSecurity security = new GuestSecurity(SshTransport.HOST_ONLY, List.of(FirewallRule.of("tcp", "8883", null, "plant"),
                FirewallRule.of("udp", "5000-5010", "10.0.0.0/8", null)));
        String nft = GuestFirewall.render(security, INTERFACES);
        assertThat(nft).contains("    iifname \"eth1\" tcp dport 8883 accept\n", "    ip saddr 10.0.0.0/8 udp dport 5000-5010 accept\n");
        assertThat(nft).contains("hook input priority filter; policy drop;", "hook forward priority filter; policy drop;");
        assertThat(FirewallRule.of("tcp", "8883", null, "plant")).hasToString("tcp 8883 on plant");
    }

    @Test
    void aRuleNamingAnEndpointTheGuestLacksIsRefusedNotWidened() {
        GuestSecurity security = new GuestSecurity(SshTransport.HOST_ONLY, List.of(FirewallRule.of("tcp", "8883", null, "gone")));
        assertThatThrownBy(() -> GuestFirewall.render(security, INTERFACES)).hasMessageContaining("names endpoint 'gone'");
        assertThatThrownBy(() -> FirewallRule.of("tcp", "80", null, "eth1 accept")).hasMessageContaining("endpoint's name");
    }
}
