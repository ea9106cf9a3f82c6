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
                .isInstanceOf(EflowException.class).hasMessageContaining("already used");
    }

    @Test
    void subnetsTheHostAlreadyRoutesAreSkippedOrRefused() {
        NetworkConfig chosen = allocator.allocate(null, List.of(), Set.of("172.30.0.0/24", "172.30.1.0/24"));
        assertThat(chosen.subnet()).isEqualTo("172.30.2.0/24");
        assertThatThrownBy(() -> allocator.allocate(new StaticIp("10.5.0.2", 24, "10.5.0.1"), List.of(), Set.of("10.5.0.0/24")))
                .hasMessageContaining("already routed on this host");
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
