package io.eflow.instance;

import io.eflow.instance.model.NameServers;
import io.eflow.instance.model.NetworkConfig;
import io.eflow.platform.InvalidValue;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NameServersTest {
    private static final NetworkConfig NET = new NetworkConfig("172.30.4.2", 24, "172.30.4.1", "02:00:00:00:00:01", false);

    @Test
    void upToThreeIpv4ServersAreKeptInOrder() {
        assertThat(NET.withDns(List.of("10.251.0.2", "192.0.2.53", "8.8.8.8")).dns()).containsExactly("10.251.0.2", "192.0.2.53", "8.8.8.8");
        assertThat(NET.withDns(List.of()).dns()).isEmpty();
        assertThat(NET.dns()).as("deploy's choice").isEmpty();
    }

    @Test
    void whatTheGuestCannotUseIsRefusedWithItsReason() {
        assertThatThrownBy(() -> NameServers.check(List.of("1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4"))).isInstanceOf(InvalidValue.class)
                .hasMessage("servers must be at most 3 (the guest's resolver reads no more), not 4");
        assertThatThrownBy(() -> NameServers.check(List.of("127.0.0.53")))
                .hasMessage("servers must be unicast addresses the guest can reach, not 127.0.0.53 (loopback: the guest's own, where no name"
                        + " server runs)");
        assertThatThrownBy(() -> NameServers.check(List.of("224.0.0.251"))).hasMessageContaining("not 224.0.0.251");
        assertThatThrownBy(() -> NameServers.check(List.of("dns.example"))).hasMessage("servers must be an IPv4 address like 192.168.1.10,"
                + " not 'dns.example'");
        assertThatThrownBy(() -> NameServers.check(List.of("10.0.0.1 ; rm"))).hasMessageContaining("must be an IPv4 address");
        assertThatThrownBy(() -> NameServers.check(List.of("10.0.0.1", "10.0.0.1"))).hasMessage("servers name 10.0.0.1 twice");
    }

    @Test
    void resolvConfNamesTheServersThenTheOtherLinesAndReadsBack() {
        String text = new String(NameServers.resolvConf(List.of("10.0.0.1", "10.0.0.2"), List.of("search plant.example"), "eflow dns set"),
                StandardCharsets.UTF_8);
        assertThat(text).isEqualTo("# written by eflow: eflow dns set\nnameserver 10.0.0.1\nnameserver 10.0.0.2\nsearch plant.example\n");
        assertThat(NameServers.inResolvConf(text)).containsExactly("10.0.0.1", "10.0.0.2");
    }
}
