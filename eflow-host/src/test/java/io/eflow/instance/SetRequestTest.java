package io.eflow.instance;

import io.eflow.daemon.api.SetRequest;
import io.eflow.firewall.FirewallRule;
import io.eflow.firewall.GuestSecurity;
import io.eflow.firewall.SshTransport;
import io.eflow.host.HostInfo;
import io.eflow.instance.model.BackendKind;
import io.eflow.instance.model.InstanceConfig;
import io.eflow.instance.model.LogSize;
import io.eflow.instance.model.NetworkConfig;
import io.eflow.instance.model.Slot;
import io.eflow.platform.EflowException;
import io.eflow.platform.EflowPaths;
import io.eflow.platform.FileTrees;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SetRequestTest {
    private static final HostInfo HOST = new HostInfo(8000, 4, List.of());
    private static final InstanceConfig CONFIG = new InstanceConfig("edge1", 1, 1024, 10, LogSize.SMALL, BackendKind.QEMU,
            new NetworkConfig("172.30.0.2", 24, "172.30.0.1", "02:00:00:00:00:01", false), "1", Slot.A, Instant.EPOCH);

    @Test
    void newSizesReplaceTheOldOnesAndNothingElseChanges() {
        InstanceConfig changed = new SetRequest(2, 1536).applyTo(CONFIG, HOST);
        assertThat(changed.cpus()).isEqualTo(2);
        assertThat(changed.memoryMb()).isEqualTo(1536);
        assertThat(changed.withSizing(1, 1024)).isEqualTo(CONFIG);
    }

    @Test
    void aValueNotGivenIsKept() {
        assertThat(new SetRequest(3, null).applyTo(CONFIG, HOST).memoryMb()).isEqualTo(1024);
        assertThat(new SetRequest(null, 2048).applyTo(CONFIG, HOST).cpus()).isEqualTo(1);
        assertThatThrownBy(() -> new SetRequest(null, null).applyTo(CONFIG, HOST))
                .hasMessage("cpus, memoryMb, dataSizeGb, logSize and ip are all missing: set needs at least one");
    }

    @Test
    void disksGrowAndNeverShrink() {
        InstanceConfig grown = new SetRequest(null, null, 20, "large").applyTo(CONFIG, HOST);
        assertThat(grown.dataSizeGb()).isEqualTo(20);
        assertThat(grown.logSize()).isEqualTo(LogSize.LARGE);
        assertThat(grown.withDisks(10, LogSize.SMALL)).isEqualTo(CONFIG);
        assertThat(new SetRequest(null, null, 10, "small").applyTo(CONFIG, HOST)).as("the same sizes").isEqualTo(CONFIG);
        assertThatThrownBy(() -> new SetRequest(null, null, 4, null).applyTo(CONFIG, HOST))
                .hasMessage("dataSizeGb must be at least the data disk's present 10 GB (disks only grow: /var holds the modules' data), not 4");
        assertThatThrownBy(() -> new SetRequest(null, null, 4096, null).applyTo(CONFIG, HOST))
                .hasMessage("dataSizeGb must be between 2 and 2048 GB, not 4096");
        assertThatThrownBy(() -> new SetRequest(null, null, null, "small").applyTo(grown, HOST))
                .hasMessage("logSize must stay large (disks only grow), not small");
        assertThatThrownBy(() -> new SetRequest(null, null, null, "huge").applyTo(CONFIG, HOST))
                .hasMessage("logSize must be small (1 GB) or large (6 GB), not 'huge'");
    }

    @Test
    void aSizeChangeKeepsTheFirewallAndTheSshTransport() {
        InstanceConfig secured = CONFIG.withSecurity(new GuestSecurity(SshTransport.TCP,
                List.of(FirewallRule.of("tcp", "8883", null)), true, true, false));
        assertThat(new SetRequest(2, 2048, 12, "large").applyTo(secured, HOST).security()).isEqualTo(secured.security());
    }

    @Test
    void valuesAreCheckedAsDeployChecksThem() {
        assertThatThrownBy(() -> new SetRequest(5, null).applyTo(CONFIG, HOST)).isInstanceOf(EflowException.class)
                .hasMessage("cpus must be between 1 and 4 (the host's logical processors), not 5");
        assertThatThrownBy(() -> new SetRequest(0, null).applyTo(CONFIG, HOST)).hasMessageContaining("not 0");
        assertThatThrownBy(() -> new SetRequest(null, 1025).applyTo(CONFIG, HOST)).hasMessage("memoryMb must be an even number of MB, not 1025");
        assertThatThrownBy(() -> new SetRequest(null, 512).applyTo(CONFIG, HOST)).hasMessage("memoryMb must be at least 1024 MB, not 512");
        assertThatThrownBy(() -> new SetRequest(2, 9000).applyTo(CONFIG, HOST)).hasMessageContaining("more than the host's free memory");
    }

    @Test
    void theChangeIsStoredInTheConfigurationAndAnInvalidOneLeavesItUntouched() throws Exception {
        Path home = Files.createTempDirectory("eflow-set-");
        try {
            InstanceStore store = new InstanceStore(EflowPaths.from(Map.of("EFLOW_HOME", home.toString())));
            store.save(CONFIG);
            store.save(new SetRequest(2, 1536).applyTo(store.load("edge1"), HOST));
            assertThat(store.load("edge1").cpus()).isEqualTo(2);
            assertThat(store.load("edge1").memoryMb()).isEqualTo(1536);
            byte[] before = Files.readAllBytes(store.layout("edge1").configFile());
            assertThatThrownBy(() -> store.save(new SetRequest(99, 1024).applyTo(store.load("edge1"), HOST)))
                    .isInstanceOf(EflowException.class);
            assertThat(Files.readAllBytes(store.layout("edge1").configFile())).isEqualTo(before);
        } finally {
            FileTrees.deleteRecursively(home);
        }
    }
}
