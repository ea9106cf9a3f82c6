package io.eflow.daemon.api;

import io.eflow.host.HostInfo;
import io.eflow.instance.model.BackendKind;
import io.eflow.instance.model.InstanceName;
import io.eflow.instance.model.LogSize;
import io.eflow.instance.model.StaticIp;
import io.eflow.platform.EflowException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeployRequestTest {
    private static final HostInfo HOST = new HostInfo(8000, 4, List.of());

    private static DeployRequest request(Integer cpus, Integer memory, Integer data, String log, String ip, Integer prefix, String gw) {
        return new DeployRequest("edge1", cpus, memory, data, log, "namespace", ip, prefix, gw, null);
    }

    @Test
    void defaultsFollowDeployEflow() {
        DeployRequest.Validated v = new DeployRequest(null, null, null, null, null, null, null, null, null, null)
                .validate(HOST, "factory-pc.example.com");
        assertThat(v.name()).isEqualTo("factory-pc-EFLOW");
        assertThat(v.cpus()).isEqualTo(1);
        assertThat(v.memoryMb()).isEqualTo(1024);
        assertThat(v.dataSizeGb()).isEqualTo(10);
        assertThat(v.logSize()).isEqualTo(LogSize.SMALL);
        assertThat(v.backend()).isEqualTo(BackendKind.AUTO);
        assertThat(v.staticIp()).isNull();
    }

    @Test
    void cpusMustFitTheHost() {
        assertThatThrownBy(() -> request(5, null, null, null, null, null, null).validate(HOST, "h"))
                .isInstanceOf(EflowException.class).hasMessage("cpus must be between 1 and 4 (the host's logical processors), not 5");
        assertThatThrownBy(() -> request(0, null, null, null, null, null, null).validate(HOST, "h"))
                .hasMessageContaining("cpus must be between 1 and 4");
    }

    @Test
    void memoryMustBeEvenAtLeast1024AndFree() {
        assertThatThrownBy(() -> request(null, 1025, null, null, null, null, null).validate(HOST, "h"))
                .hasMessage("memoryMb must be an even number of MB, not 1025");
        assertThatThrownBy(() -> request(null, 512, null, null, null, null, null).validate(HOST, "h"))
                .hasMessage("memoryMb must be at least 1024 MB, not 512");
        assertThatThrownBy(() -> request(null, 9000, null, null, null, null, null).validate(HOST, "h"))
                .hasMessageContaining("more than the host's free memory (8000 MB)");
        assertThat(request(null, 2048, null, null, null, null, null).validate(HOST, "h").memoryMb()).isEqualTo(2048);
    }

    @Test
    void dataSizeIsBetween2And2048() {
        assertThatThrownBy(() -> request(null, null, 1, null, null, null, null).validate(HOST, "h"))
                .hasMessage("dataSizeGb must be between 2 and 2048 GB, not 1");
        assertThatThrownBy(() -> request(null, null, 2049, null, null, null, null).validate(HOST, "h"))
                .hasMessageContaining("not 2049");
        assertThat(request(null, null, 2048, null, null, null, null).validate(HOST, "h").dataSizeGb()).isEqualTo(2048);
    }

    @Test
    void logSizeIsSmallOrLarge() {
        assertThat(request(null, null, null, "large", null, null, null).validate(HOST, "h").logSize().gigabytes()).isEqualTo(6);
        assertThatThrownBy(() -> request(null, null, null, "huge", null, null, null).validate(HOST, "h"))
                .hasMessageContaining("logSize must be small (1 GB) or large (6 GB)");
    }

    @Test
    void aStaticAddressNeedsAllThreeParts() {
        assertThatThrownBy(() -> request(null, null, null, null, "192.168.5.10", null, null).validate(HOST, "h"))
                .hasMessage("ip, prefix and gateway make a static address together: give all three or none");
        assertThatThrownBy(() -> request(null, null, null, null, "192.168.5.10", 24, "192.168.6.1").validate(HOST, "h"))
                .hasMessageContaining("is not in 192.168.5.10/24");
        assertThatThrownBy(() -> request(null, null, null, null, "300.1.1.1", 24, "300.1.1.2").validate(HOST, "h"))
                .hasMessageContaining("'300.1.1.1' is not an IPv4 address");
        StaticIp ip = request(null, null, null, null, "192.168.5.10", 24, "192.168.5.1").validate(HOST, "h").staticIp();
        assertThat(ip).isEqualTo(new StaticIp("192.168.5.10", 24, "192.168.5.1"));
    }

    @Test
    void namesAreHostnames() {
        assertThatThrownBy(() -> new InstanceName("bad_name")).hasMessageContaining("letters, digits or '-'");
        assertThatThrownBy(() -> new InstanceName("-x")).isInstanceOf(EflowException.class);
        assertThatThrownBy(() -> new InstanceName("../etc")).isInstanceOf(EflowException.class);
        assertThat(new InstanceName("edge-01").value()).isEqualTo("edge-01");
    }

    @Test
    void unknownBackendIsRefused() {
        assertThatThrownBy(() -> new DeployRequest("a", null, null, null, null, "docker", null, null, null, null).validate(HOST, "h"))
                .hasMessage("backend must be auto, namespace or qemu, not 'docker'");
    }
}
