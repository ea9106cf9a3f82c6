package io.eflow.it;

import io.eflow.channel.CommandResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What confines a guest that shares the host's kernel (namespace backend) and a VM does not need: a seccomp filter on
 * every guest process and a capability set without the administrative ones. On qemu the hypervisor is the boundary
 * ({@link QemuGuestIT} shows the guest runs its own kernel).
 */
@NamespaceOnly
class NamespaceConfinementIT {
    private static TestHost host;
    private static String guest;

    @BeforeAll
    static void shareGuest(TestHost testHost) {
        host = testHost;
        guest = testHost.sharedGuest(TestHost.NAMESPACE);
    }

    private static CommandResult run(String... argv) {
        return host.manager().invoke(guest, List.of(argv), Duration.ofSeconds(30));
    }

    @Test
    void theRuntimeHasNoAdministrativeCapabilities() {
        String status = run("sh", "-c", "cat /proc/$(pgrep -f '[e]flow-guest.jar' | head -1)/status").stdoutText();
        assertThat(status).containsPattern("Seccomp:\\s+2");
        long bounding = Long.parseUnsignedLong(status.lines().filter(l -> l.startsWith("CapBnd:")).findFirst().orElseThrow()
                .split("\\s+")[1], 16);
        assertThat(bounding & (1L << 21)).as("CAP_SYS_ADMIN").isZero();
        assertThat(bounding & (1L << 12)).as("CAP_NET_ADMIN").isZero();
        assertThat(bounding & (1L << 16)).as("CAP_SYS_MODULE").isZero();
    }

    @Test
    void everyGuestProcessIsUnderTheSeccompFilter() {
        String init = run("sudo", "cat", "/proc/1/status").stdoutText();
        assertThat(init).containsPattern("Seccomp:\\s+2");
        String shell = run("cat", "/proc/self/status").stdoutText();
        assertThat(shell).containsPattern("Seccomp:\\s+2");
    }
}
