package io.eflow.edge.agent;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static io.eflow.edge.agent.SpecFixture.mount;
import static io.eflow.edge.agent.SpecFixture.texts;
import static org.assertj.core.api.Assertions.assertThat;

class MountSpecTest extends SpecTest {
    @Test
    void everyModuleGetsTheKernelFilesystemsHostsAndResolvConf() {
        JsonNode spec = fixture.spec();

        assertThat(spec.get("mounts")).extracting(mount -> mount.get("destination").asText()).containsExactly(
                "/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup", "/etc/hosts", "/etc/resolv.conf");
        assertThat(texts(mount(spec, "/sys").get("options"))).contains("ro");
        assertThat(mount(spec, "/sys/fs/cgroup").get("type").asText()).isEqualTo("cgroup");
        assertThat(texts(mount(spec, "/sys/fs/cgroup").get("options"))).contains("ro");
        JsonNode hosts = mount(spec, "/etc/hosts");
        assertThat(hosts.get("source").asText()).isEqualTo(dir.resolve("hosts").toString());
        assertThat(texts(hosts.get("options"))).contains("rbind", "ro").doesNotContain("rw");
        assertThat(mount(spec, "/etc/resolv.conf").get("source").asText()).isEqualTo("/etc/resolv.conf");
    }

    @Test
    void theWorkloadSocketFolderAndTheEdgeCaAreMountedReadOnlyWhenAHubRuns() {
        assertThat(fixture.spec().get("mounts").findValuesAsText("destination")).doesNotContain("/var/run/iotedge");
        fixture.withHub("637123456789", Optional.empty());
        JsonNode spec = fixture.spec();
        JsonNode workload = mount(spec, "/var/run/iotedge");
        assertThat(workload.get("source").asText()).isEqualTo(dir.resolve("workload").toString());
        assertThat(workload.get("type").asText()).isEqualTo("bind");
        assertThat(texts(workload.get("options"))).contains("ro");
        assertThat(mount(spec, "/etc/eflow/edge-ca.pem").get("source").asText()).isEqualTo(dir.resolve("ca.pem").toString());
    }

    @Test
    void bindsOfExistingGuestPathsKeepTheirAccessMode() throws IOException {
        Path data = Files.createDirectories(dir.resolve("var-filter"));
        Path config = Files.createDirectories(dir.resolve("etc-filter"));
        fixture.createOptions = "{'HostConfig': {'Binds': ['" + data + ":/data', '" + config + ":/config:ro'],"
                + " 'Mounts': [{'Type': 'bind', 'Source': '" + config + "', 'Target': '/more', 'ReadOnly': true}]}}";
        JsonNode spec = fixture.spec();

        JsonNode bind = mount(spec, "/data");
        assertThat(bind.get("source").asText()).isEqualTo(data.toString());
        assertThat(texts(bind.get("options"))).containsExactly("rbind", "rprivate", "rw");
        assertThat(texts(mount(spec, "/config").get("options"))).containsExactly("rbind", "rprivate", "ro");
        assertThat(texts(mount(spec, "/more").get("options"))).contains("ro");
    }

    @Test
    void aBindOfAMissingGuestPathIsAnErrorNamingModuleAndBind() {
        Path missing = dir.resolve("missing");
        assertRefused("{'HostConfig': {'Binds': ['" + missing + ":/data:ro']}}").hasMessageContaining("bind " + missing + ":/data")
                .hasMessageContaining("does not exist");
    }

    @Test
    void namedVolumesAreFoldersUnderTheVolumesRootForTheCallerToCreate() {
        fixture.createOptions = "{'HostConfig': {'Binds': ['filterdata:/data'],"
                + " 'Mounts': [{'Type': 'volume', 'Source': 'cache', 'Target': '/cache', 'ReadOnly': true},"
                + " {'Type': 'volume', 'Target': '/scratch'}]}}";
        ModuleSpec.Result result = fixture.render();
        JsonNode spec = SpecFixture.tree(result.json());

        Path volumes = dir.resolve("volumes");
        assertThat(mount(spec, "/data").get("source").asText()).isEqualTo(volumes.resolve("filterdata").toString());
        assertThat(texts(mount(spec, "/cache").get("options"))).contains("ro");
        String anonymous = mount(spec, "/scratch").get("source").asText();
        assertThat(anonymous).startsWith(volumes.resolve("filtermodule-").toString());
        assertThat(result.volumes()).containsExactly(volumes.resolve("filterdata"), volumes.resolve("cache"), Path.of(anonymous));
        assertThat(fixture.render().volumes()).as("the same module finds its anonymous volume again")
                .contains(Path.of(anonymous));
    }

    @Test
    void tmpfsMountsAreWritableUnlessReadOnly() {
        fixture.createOptions = "{'HostConfig': {'Mounts': [{'Type': 'tmpfs', 'Target': '/tmp'},"
                + " {'Type': 'tmpfs', 'Target': '/frozen', 'ReadOnly': true}]}}";
        JsonNode spec = fixture.spec();

        JsonNode tmp = mount(spec, "/tmp");
        assertThat(tmp.get("type").asText()).isEqualTo("tmpfs");
        assertThat(texts(tmp.get("options"))).contains("nosuid", "nodev", "rw");
        assertThat(texts(mount(spec, "/frozen").get("options"))).contains("ro");
    }

    @Test
    void twoMountsAtOnePathAreAnError() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        assertRefused("{'HostConfig': {'Binds': ['" + data + ":/etc/hosts']}}")
                .hasMessageContaining("two mounts at /etc/hosts");
    }

}
