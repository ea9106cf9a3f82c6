package io.eflow.backend;

import io.eflow.firewall.FirewallRule;
import io.eflow.firewall.GuestSecurity;
import io.eflow.firewall.SshTransport;
import io.eflow.instance.model.Endpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class GuestLinksTest {
    private static final Endpoint LAB = new Endpoint("lab", "lab", "efn0", "02:00:00:00:00:01", null, false);
    private static final Endpoint PLANT = new Endpoint("plant", "plant", "efn1", "02:00:00:00:00:02", null, true);
    @TempDir
    Path run;

    @Test
    void whileTheGuestRunsItsRulesMatchTheInterfacesItStartedWithNotTheStoredOnes() {
        GuestLinks.recordStarted(run, List.of(LAB, PLANT));
        // lab removed and "new" added while the guest runs: plant is still eth2 there, "new" has no card yet
        Endpoint added = new Endpoint("new", "lab", "efn0", "02:00:00:00:00:03", null, false);
        GuestSecurity security = new GuestSecurity(SshTransport.HOST_ONLY, List.of(FirewallRule.of("tcp", "8883", null, "plant"),
                FirewallRule.of("tcp", "9000", null, "new")));
        String live = GuestLinks.firewall(security, List.of(PLANT, added), run);
        assertThat(live).contains("iifname \"eth2\" tcp dport 8883 accept").doesNotContain("dport 9000").doesNotContain("eth1");

        // the next start: the stored endpoints, in order
        String next = GuestLinks.firewall(security, List.of(PLANT, added), run.resolve("stopped"));
        assertThat(next).contains("iifname \"eth1\" tcp dport 8883 accept", "iifname \"eth2\" tcp dport 9000 accept");
    }

    @Test
    void metricsPutTheChosenDefaultRouteFirstAndNamesFitTheKernel() {
        assertThat(GuestLinks.metric(List.of(LAB, PLANT), 0)).isEqualTo(200);
        assertThat(GuestLinks.metric(List.of(LAB, PLANT), 1)).isLessThan(GuestLinks.PRIMARY_METRIC);
        assertThat(GuestLinks.hostInterface("edge-7-abcdef", 7)).hasSizeLessThanOrEqualTo(15);
        assertThat(GuestLinks.interfaces(List.of(LAB, PLANT))).containsExactly(
                Map.entry("default", "eth0"), Map.entry("lab", "eth1"), Map.entry("plant", "eth2"));
    }
}
