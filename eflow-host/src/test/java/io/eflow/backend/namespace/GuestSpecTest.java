package io.eflow.backend.namespace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eflow.instance.model.SharedFolder;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GuestSpecTest {
    private static JsonNode render(CgroupMode cgroups) throws Exception {
        Path run = Path.of("/run/eflow/instances/edge1");
        return new ObjectMapper().readTree(GuestSpec.render(new GuestSpec.Inputs("edge1", "edge1", run.resolve("rootfs"), run.resolve("var"),
                run.resolve("logs"), run.resolve("host"), Path.of("/run/netns/eflow-edge1"), 2, 2048, cgroups, null,
                run.resolve("bootctl.img"), run.resolve("eflow-boot"), List.of(), List.of())));
    }

    private static JsonNode mountAt(JsonNode spec, String destination) {
        for (JsonNode mount : spec.path("mounts")) {
            if (mount.path("destination").asText().equals(destination)) {
                return mount;
            }
        }
        return null;
    }

    @Test
    void theGuestWritesTheBootControlFileAndReadsWhichSlotItBooted() throws Exception {
        JsonNode spec = render(CgroupMode.UNIFIED);
        JsonNode control = mountAt(spec, "/run/eflow-bootctl");
        JsonNode boot = mountAt(spec, "/run/eflow-boot");
        assertThat(control.path("source").asText()).isEqualTo("/run/eflow/instances/edge1/bootctl.img");
        assertThat(control.path("options").toString()).contains("\"rw\"");
        assertThat(boot.path("source").asText()).isEqualTo("/run/eflow/instances/edge1/eflow-boot");
        assertThat(boot.path("options").toString()).contains("\"ro\"");
    }

    @Test
    void tpmPassthroughBindsTheProxyFolderReadOnly() throws Exception {
        Path run = Path.of("/run/eflow/instances/edge1");
        JsonNode spec = new ObjectMapper().readTree(GuestSpec.render(new GuestSpec.Inputs("edge1", "edge1", run.resolve("rootfs"),
                run.resolve("var"), run.resolve("logs"), run.resolve("host"), Path.of("/run/netns/eflow-edge1"), 2, 2048,
                CgroupMode.UNIFIED, run.resolve("tpm"), run.resolve("bootctl.img"), run.resolve("eflow-boot"), List.of(), List.of())));
        JsonNode tpm = null;
        for (JsonNode mount : spec.path("mounts")) {
            if (mount.path("destination").asText().equals("/run/eflow-tpm")) {
                tpm = mount;
            }
        }
        assertThat(tpm).isNotNull();
        assertThat(tpm.path("source").asText()).isEqualTo("/run/eflow/instances/edge1/tpm");
        assertThat(tpm.path("options").toString()).contains("\"ro\"");
        assertThat(render(CgroupMode.UNIFIED).path("mounts").toString()).doesNotContain("eflow-tpm");
    }

    @Test
    void aSharedFolderIsAnIdMappedBindWhoseHostOwnerTheGuestSeesAsIotedgeUserAfterHomeIsMounted() throws Exception {
        Path run = Path.of("/run/eflow/instances/edge1");
        List<GuestSpec.Share> shares = List.of(new GuestSpec.Share(new SharedFolder("/srv/data", "/home/iotedge-user/data", false), 0, 0),
                new GuestSpec.Share(new SharedFolder("/srv/recipes", "/var/recipes", true), 1234, 50));
        JsonNode spec = new ObjectMapper().readTree(GuestSpec.render(new GuestSpec.Inputs("edge1", "edge1", run.resolve("rootfs"),
                run.resolve("var"), run.resolve("logs"), run.resolve("host"), Path.of("/run/netns/eflow-edge1"), 2, 2048,
                CgroupMode.UNIFIED, null, run.resolve("bootctl.img"), run.resolve("eflow-boot"), shares, List.of())));
        JsonNode data = mountAt(spec, "/home/iotedge-user/data");
        assertThat(data.path("source").asText()).isEqualTo("/srv/data");
        assertThat(data.path("options").toString()).isEqualTo(
                "[\"rbind\",\"rprivate\",\"rw\",\"nosuid\",\"nodev\",\"idmap=uids=0-1000-1;gids=0-1000-1\"]");
        assertThat(mountAt(spec, "/var/recipes").path("options").toString()).contains("\"ro\"", "idmap=uids=1234-1000-1;gids=50-1000-1");
        List<String> order = new ArrayList<>();
        spec.path("mounts").forEach(mount -> order.add(mount.path("destination").asText()));
        assertThat(order.indexOf("/home/iotedge-user/data")).isGreaterThan(order.indexOf("/home"));
        assertThat(order.indexOf("/var/recipes")).isGreaterThan(order.indexOf("/var"));
    }

    @Test
    void rootIsReadOnlyAndInitIsRunit() throws Exception {
        JsonNode spec = render(CgroupMode.HYBRID);
        assertThat(spec.at("/root/readonly").asBoolean()).isTrue();
        assertThat(spec.at("/process/args/0").asText()).isEqualTo("/usr/sbin/runit");
        assertThat(spec.at("/hostname").asText()).isEqualTo("edge1");
    }

    @Test
    void etcHomeAndRootAreOverlaysOnTheDataDisk() throws Exception {
        JsonNode spec = render(CgroupMode.HYBRID);
        for (String dir : List.of("etc", "home", "root")) {
            JsonNode mount = find(spec, "/" + dir);
            assertThat(mount.path("type").asText()).isEqualTo("overlay");
            assertThat(mount.path("options").toString())
                    .contains("upperdir=/run/eflow/instances/edge1/var/.eflow/overlays/" + dir + "/upper");
        }
        assertThat(find(spec, "/var").path("source").asText()).isEqualTo("/run/eflow/instances/edge1/var");
        assertThat(find(spec, "/logs").path("options").toString()).contains("noexec");
    }

    @Test
    void noAdminCapabilitiesAndDangerousSyscallsDenied() throws Exception {
        JsonNode spec = render(CgroupMode.HYBRID);
        List<String> caps = new ArrayList<>();
        spec.at("/process/capabilities/bounding").forEach(c -> caps.add(c.asText()));
        assertThat(caps).doesNotContain("CAP_SYS_ADMIN", "CAP_NET_ADMIN", "CAP_SYS_MODULE", "CAP_SYS_TIME", "CAP_SYS_PTRACE");
        assertThat(spec.at("/linux/seccomp/syscalls/0/names").toString()).contains("kexec_load", "init_module", "bpf");
        List<String> namespaces = new ArrayList<>();
        spec.at("/linux/namespaces").forEach(n -> namespaces.add(n.path("type").asText()));
        assertThat(namespaces).containsExactlyInAnyOrder("pid", "mount", "uts", "ipc", "cgroup", "network");
    }

    @Test
    void limitsOnlyWhereCgroupsCanEnforceThem() throws Exception {
        JsonNode limited = render(CgroupMode.UNIFIED);
        assertThat(limited.at("/linux/resources/memory/limit").asLong()).isEqualTo(2048L << 20);
        assertThat(limited.at("/linux/resources/cpu/quota").asLong()).isEqualTo(200_000L);
        assertThat(render(CgroupMode.NONE).at("/linux/resources").isMissingNode()).isTrue();
    }

    private static JsonNode find(JsonNode spec, String destination) {
        for (JsonNode mount : spec.path("mounts")) {
            if (mount.path("destination").asText().equals(destination)) {
                return mount;
            }
        }
        throw new AssertionError("no mount at " + destination);
    }
}
