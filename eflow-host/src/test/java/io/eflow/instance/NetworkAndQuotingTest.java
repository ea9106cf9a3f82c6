package io.eflow.instance;

import io.eflow.instance.model.BackendKind;
import io.eflow.instance.model.InstanceConfig;
import io.eflow.instance.model.LogSize;
import io.eflow.instance.model.NetworkConfig;
import io.eflow.instance.model.Slot;
import io.eflow.instance.model.StaticIp;
import io.eflow.platform.EflowException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NetworkAndQuotingTest {
    private final NetworkAllocator allocator = new NetworkAllocator();

    private static InstanceConfig withNetwork(NetworkConfig network) {
        return new InstanceConfig("x", 1, 1024, 2, LogSize.SMALL, BackendKind.NAMESPACE, network, "1", Slot.A, Instant.EPOCH);
    }

    @Test
    void eachGuestGetsItsOwnSubnet() {
        NetworkConfig first = allocator.allocate(null, List.of(), Set.of());
        NetworkConfig second = allocator.allocate(null, List.of(withNetwork(first)), Set.of());
        assertThat(first.subnet()).isEqualTo("172.30.0.0/24");
        assertThat(first.gateway()).isEqualTo("172.30.0.1");
        assertThat(second.subnet()).isEqualTo("172.30.1.0/24");
    }

    @Test
    void aStaticSubnetInUseIsRefused() {
        NetworkConfig taken = allocator.allocate(null, List.of(), Set.of());
        assertThatThrownBy(() -> allocator.allocate(new StaticIp("172.30.0.9", 24, "172.30.0.1"), List.of(withNetwork(taken)), Set.of()))
                .isInstanceOf(EflowException.class).hasMessage("subnet 172.30.0.0/24 overlaps 172.30.0.0/24, another instance's; choose another address");
    }

    @Test
    void subnetsTheHostAlreadyRoutesAreSkippedOrRefused() {
        NetworkConfig chosen = allocator.allocate(null, List.of(), Set.of("172.30.0.0/24", "172.30.1.0/24"));
        assertThat(chosen.subnet()).isEqualTo("172.30.2.0/24");
        assertThatThrownBy(() -> allocator.allocate(new StaticIp("10.5.0.2", 24, "10.5.0.1"), List.of(), Set.of("10.5.0.0/24")))
                .hasMessageContaining("which this host already routes");
    }

    @Test
    void overlappingIsAnyAddressInCommonNotOnlyTheSameSubnet() {
        assertThat(NetworkAllocator.overlapping("10.5.1.0/24", Set.of("10.5.0.0/16"))).isEqualTo("10.5.0.0/16");
        assertThat(NetworkAllocator.overlapping("10.0.0.0/8", Set.of("192.168.0.0/16", "10.200.3.0/24"))).isEqualTo("10.200.3.0/24");
        assertThat(NetworkAllocator.overlapping("10.5.1.0/24", Set.of("10.5.2.0/24", "10.6.0.0/16"))).isNull();
        assertThatThrownBy(() -> allocator.allocate(new StaticIp("172.30.0.130", 25, "172.30.0.129"),
                List.of(withNetwork(allocator.allocate(null, List.of(), Set.of()))), Set.of())).hasMessageContaining("overlaps 172.30.0.0/24");
        assertThatThrownBy(() -> allocator.allocate(null, List.of(), Set.of("172.30.0.0/16"))).hasMessageContaining("no free guest subnet");
    }

    @Test
    void aGuestMovedAfterDeployKeepsItsMacAndNameServersAndMayLeaveItsOwnRoutedSubnet() {
        NetworkConfig current = allocator.allocate(null, List.of(), Set.of()).withDns(List.of("10.0.0.53"));
        NetworkConfig moved = allocator.readdress(current, new StaticIp("192.168.50.10", 24, "192.168.50.1"), List.of(),
                Set.of(current.subnet()));
        assertThat(moved).isEqualTo(new NetworkConfig("192.168.50.10", 24, "192.168.50.1", current.mac(), true, List.of("10.0.0.53"), null));
        assertThat(allocator.readdress(current, new StaticIp("172.30.0.9", 24, "172.30.0.1"), List.of(), Set.of(current.subnet())).subnet())
                .as("its own link, routed while it runs, is no clash").isEqualTo("172.30.0.0/24");
        NetworkConfig other = new NetworkConfig("10.9.0.2", 16, "10.9.0.1", "02:00:00:00:00:09", true);
        assertThatThrownBy(() -> allocator.readdress(current, new StaticIp("10.9.200.2", 24, "10.9.200.1"), List.of(withNetwork(other)),
                Set.of())).hasMessage("subnet 10.9.200.0/24 overlaps 10.9.0.0/16, another instance's; choose another address");
    }

    @Test
    void macsAreUnicastAndLocallyAdministered() {
        for (int i = 0; i < 100; i++) {
            int first = Integer.parseInt(allocator.mac().substring(0, 2), 16);
            assertThat(first & 1).isZero();
            assertThat(first & 2).isEqualTo(2);
        }
    }

    @Test
    void argvIsQuotedForTheRemoteShell() {
        assertThat(ShellQuoting.join(List.of("sh", "-c", "echo 'a b'; exit 3"))).isEqualTo("sh -c 'echo '\\''a b'\\''; exit 3'");
        assertThat(ShellQuoting.join(List.of("ls", "/var/log"))).isEqualTo("ls /var/log");
        assertThat(ShellQuoting.join(List.of("echo", ""))).isEqualTo("echo ''");
        assertThat(ShellQuoting.join(List.of("uname -a; id"))).isEqualTo("uname -a; id");
    }

    @Test
    void logBundlesRedactSecrets() {
        String text = """
                {"password": "hunter2", "connectionString": "HostName=h;DeviceId=d;SharedAccessKey=c2VjcmV0"}
                -----BEGIN OPENSSH PRIVATE KEY-----
                b3BlbnNzaC1rZXktdjEAAAAA
                -----END OPENSSH PRIVATE KEY-----
                token=abc123
                """;
        String redacted = LogBundle.redact(text);
        assertThat(redacted).doesNotContain("hunter2", "c2VjcmV0", "b3BlbnNzaC1rZXktdjEAAAAA", "abc123");
        assertThat(redacted).contains("[redacted]", "[private key redacted]");
    }
}
