package io.eflow.network;

import io.eflow.instance.model.Endpoint;
import io.eflow.instance.model.StaticIp;
import io.eflow.platform.InvalidValue;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostNetworkTest {
    private static final HostNetwork LAB = new HostNetwork("lab", NetworkType.NAT, "198.19.7.0/24", null, "efn0123456789");

    @Test
    void anEflowSubnetHasTheHostFirstAndDhcpInTheUpperHalf() {
        assertThat(LAB.hostAddress()).isEqualTo("198.19.7.1");
        assertThat(LAB.dhcpRange()).containsExactly("198.19.7.128", "198.19.7.254");
        assertThat(LAB.allocation()).isEqualTo("static, or DHCP from eflow (198.19.7.128-198.19.7.254)");
        HostNetwork small = new HostNetwork("iso", NetworkType.INTERNAL, "10.9.0.16/28", null, "efn1");
        assertThat(small.hostAddress()).isEqualTo("10.9.0.17");
        assertThat(small.dhcpRange()).containsExactly("10.9.0.24", "10.9.0.30");
    }

    @Test
    void aGuestsStaticAddressMustBeAnOrdinaryHostOfTheSubnet() {
        LAB.requireGuestAddress(new StaticIp("198.19.7.20", 24, "198.19.7.1"));
        for (StaticIp bad : List.of(new StaticIp("198.19.8.20", 24, "198.19.8.1"), new StaticIp("198.19.7.20", 16, "198.19.7.1"),
                new StaticIp("198.19.7.1", 24, "198.19.7.2"), new StaticIp("198.19.7.255", 24, "198.19.7.1"),
                new StaticIp("198.19.7.128", 24, "198.19.7.1"))) {
            assertThatThrownBy(() -> LAB.requireGuestAddress(bad)).as(bad.toString()).isInstanceOf(InvalidValue.class)
                    .hasMessageStartingWith("ip ");
        }
        HostNetwork plant = new HostNetwork("plant", NetworkType.BRIDGE, null, "eth1", "efn2");
        plant.requireGuestAddress(new StaticIp("192.168.5.20", 24, "192.168.5.1")); // the plant's addresses are its own
        assertThat(plant.allocation()).isEqualTo("static, or DHCP from the network (eth1)");
    }

    @Test
    void namesSubnetsAndTypesAreCheckedInOneLine() {
        assertThatThrownBy(() -> HostNetwork.requireName("Lab Net")).isInstanceOf(InvalidValue.class).hasMessageStartingWith("network ");
        assertThatThrownBy(() -> NetworkType.parse("switch")).hasMessageContaining("nat, bridge or internal");
        assertThat(NetworkType.parse(" Bridge ")).isEqualTo(NetworkType.BRIDGE);
        assertThatThrownBy(() -> Subnets.canonical("subnet", "10.7.0.1/24", 16, 29)).hasMessageContaining("host bits set; the subnet is 10.7.0.0/24");
        assertThatThrownBy(() -> Subnets.canonical("subnet", "10.7.0.0/30", 16, 29)).hasMessageContaining("between 16 and 29");
        assertThatThrownBy(() -> Subnets.canonical("subnet", "lab", 16, 29)).hasMessageContaining("IPv4 subnet");
        assertThat(Subnets.overlapping("10.5.1.0/24", List.of("10.6.0.0/16", "10.5.0.0/16"))).isEqualTo("10.5.0.0/16");
        assertThat(Subnets.overlapping("10.5.1.0/24", List.of("10.5.2.0/24"))).isNull();
    }

    @Test
    void bridgeNamesFitTheKernelsLimitAndDifferBetweenInstalls() {
        String one = NetworkHost.bridgeName(Path.of("/var/lib/eflow"), "lab");
        assertThat(one).hasSizeLessThanOrEqualTo(15).startsWith("efn");
        assertThat(NetworkHost.bridgeName(Path.of("/tmp/other"), "lab")).isNotEqualTo(one);
        assertThat(NetworkHost.bridgeName(Path.of("/var/lib/eflow"), "lab")).isEqualTo(one);
    }

    @Test
    void anEndpointsDefaultRouteNeedsAGatewayAndItsNameIsALabel() {
        assertThatThrownBy(() -> new Endpoint("lab", "lab", "efn0", "02:00:00:00:00:01", new Endpoint.StaticAddress("10.9.0.5", 24, null), true))
                .hasMessageStartingWith("default-route ");
        assertThatThrownBy(() -> new Endpoint("Lab 1", "lab", "efn0", "02:00:00:00:00:01", null, false)).hasMessageStartingWith("endpoint ");
        assertThatThrownBy(() -> new Endpoint.StaticAddress("10.9.0.5", 24, "10.8.0.1")).hasMessageStartingWith("gateway ");
        assertThat(new Endpoint.StaticAddress("10.9.0.5", 24, null)).hasToString("10.9.0.5/24");
    }
}
