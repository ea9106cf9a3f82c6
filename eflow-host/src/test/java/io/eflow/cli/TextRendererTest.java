package io.eflow.cli;

import io.eflow.channel.CommandResult;
import io.eflow.daemon.api.GuestAddress;
import io.eflow.daemon.api.InstanceDetails;
import io.eflow.daemon.api.InstanceSummary;
import io.eflow.daemon.api.NameServerView;
import io.eflow.daemon.api.SerialPortList;
import io.eflow.daemon.api.ShareList;
import io.eflow.daemon.api.Verification;
import io.eflow.host.HostInfo;
import io.eflow.instance.model.BackendKind;
import io.eflow.instance.model.InstanceConfig;
import io.eflow.instance.model.LogSize;
import io.eflow.instance.model.PowerState;
import io.eflow.instance.model.SharedFolder;
import io.eflow.instance.model.Slot;
import io.eflow.platform.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TextRendererTest {

    @Test
    void sharesAndSerialPortsAreATableWithHowTheyAreCarriedAndWhenTheyApply() {
        assertThat(ShareCommand.text(new ShareList("edge1", "bind mount", List.of(new SharedFolder("/srv/plant", "/var/plant", true)), true)))
                .isEqualTo("""
                        HOST PATH   GUEST PATH  READ ONLY
                        /srv/plant  /var/plant  true
                        carried as bind mount
                        changes show from the next start: eflow stop && eflow start""");
        assertThat(DeviceCommand.text(new SerialPortList("edge1", "a UART", List.of(), false))).isEqualTo("edge1: no serial ports\n");
        assertThat(DnsCommand.text(new NameServerView("edge1", List.of("10.0.0.53"), "eflow dns set", Map.of(), List.of(), List.of("10.0.0.53"))))
                .isEqualTo("edge1: 10.0.0.53 (eflow dns set)\nin use now: 10.0.0.53");
        assertThat(DnsCommand.text(new NameServerView("edge1", List.of("10.1.0.53", "10.0.0.53", "10.0.0.54"),
                "eflow dns set --endpoint plant, eflow dns set", Map.of("plant", List.of("10.1.0.53")), List.of("10.0.0.55"), null)))
                .isEqualTo("""
                        edge1: 10.1.0.53 10.0.0.53 10.0.0.54 (eflow dns set --endpoint plant, eflow dns set); stopped
                        endpoint plant: 10.1.0.53
                        not used (the guest's resolver reads the first 3): 10.0.0.55""");
    }

    @Test
    void labelsReadAsWords() {
        assertThat(TextRenderer.label("freeMemoryMb")).isEqualTo("Free memory (MB)");
        assertThat(TextRenderer.label("cpus")).isEqualTo("CPUs");
        assertThat(TextRenderer.label("cpuPercent")).isEqualTo("CPU (%)");
        assertThat(TextRenderer.label("ip")).isEqualTo("IP");
        assertThat(TextRenderer.label("uptimeSeconds")).isEqualTo("Uptime (s)");
        assertThat(TextRenderer.label("powerState")).isEqualTo("Power state");
    }

    @Test
    void hostConfigIsAlignedWithADiskTable() {
        HostInfo host = new HostInfo(3072, 4, List.of(new HostInfo.Disk("/var/lib/eflow", "ext4", 250, 80),
                new HostInfo.Disk("/var/cache/eflow", "xfs", 1000, 999)));

        assertThat(TextRenderer.keyValues(host)).isEqualTo("""
                Free memory (MB)    3072
                Logical processors  4
                Disks
                  PATH              TYPE  TOTAL (GB)  FREE (GB)
                  /var/lib/eflow    ext4  250         80
                  /var/cache/eflow  xfs   1000        999
                """);
    }

    @Test
    void listIsATable() {
        List<InstanceSummary> instances = List.of(
                new InstanceSummary("edge1", BackendKind.NAMESPACE, PowerState.RUNNING, "1.0.3"),
                new InstanceSummary("lab-EFLOW", BackendKind.QEMU, PowerState.STOPPED, null));

        assertThat(ListCommand.text(instances)).isEqualTo("""
                NAME       BACKEND    POWER STATE  IMAGE VERSION
                edge1      NAMESPACE  RUNNING      1.0.3
                lab-EFLOW  QEMU       STOPPED      -
                """);
        assertThat(ListCommand.text(List.of())).isEqualTo("No instances: eflow deploy creates one.");
    }

    @Test
    void detailsNestAndShowMissingPartsAsDash() {
        InstanceConfig config = new InstanceConfig("edge1", 2, 2048, 10, LogSize.SMALL, BackendKind.NAMESPACE, null, "1.0.3", Slot.A,
                Instant.parse("2025-03-04T05:06:07Z"));
        String text = TextRenderer.keyValues(new InstanceDetails(config, PowerState.STOPPED, null, null));

        assertThat(text).contains("Configuration\n  Name            edge1\n  CPUs            2\n  Memory (MB)     2048\n")
                .contains("  Created         2025-03-04T05:06:07Z\n")
                .contains("Power state    STOPPED\n")
                .contains("Runtime        -\n")
                .contains("Statistics     -\n");
    }

    @Test
    void addrAndVerify() {
        assertThat(TextRenderer.keyValues(new GuestAddress("172.20.0.2", "02:00:00:aa:bb:cc")))
                .isEqualTo("IP   172.20.0.2\nMAC  02:00:00:aa:bb:cc\n");
        assertThat(Json.pretty(new Verification("edge1", true))).isEqualTo("{\n  \"name\" : \"edge1\",\n  \"verified\" : true\n}");
    }

    @Test
    void jsonWritesInstantsAsTextAndBytesAsBase64AndReadsThemBack() throws Exception {
        InstanceConfig config = new InstanceConfig("edge1", 1, 1024, 10, LogSize.LARGE, BackendKind.QEMU, null, "1.0.3", Slot.B,
                Instant.parse("2025-03-04T05:06:07Z"));
        CommandResult result = new CommandResult(3, "out\n".getBytes(StandardCharsets.UTF_8), new byte[]{(byte) 0xff, 0});

        assertThat(Json.pretty(config)).contains("\"created\" : \"2025-03-04T05:06:07Z\"");
        assertThat(Json.MAPPER.readValue(Json.write(config), InstanceConfig.class)).isEqualTo(config);
        assertThat(new String(Json.write(result), StandardCharsets.UTF_8)).isEqualTo("{\"exitCode\":3,\"stdout\":\"b3V0Cg==\",\"stderr\":\"/wA=\"}");
        CommandResult back = Json.MAPPER.readValue(Json.write(result), CommandResult.class);
        assertThat(back.exitCode()).isEqualTo(3);
        assertThat(back.stdout()).isEqualTo(result.stdout());
        assertThat(back.stderr()).isEqualTo(result.stderr());
    }
}
