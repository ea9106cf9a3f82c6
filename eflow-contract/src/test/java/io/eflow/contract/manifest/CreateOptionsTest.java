package io.eflow.contract.manifest;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.eflow.contract.manifest.Manifests.FILTER;
import static io.eflow.contract.manifest.Manifests.FILTER_PATH;
import static io.eflow.contract.manifest.Manifests.filterWith;
import static io.eflow.contract.manifest.Manifests.json;
import static io.eflow.contract.manifest.Manifests.with;
import static org.assertj.core.api.Assertions.assertThat;

class CreateOptionsTest {

    @Test
    void readsMountsDevicesPrivilegesAndLimits() {
        HostConfig host = filterWith("""
                {"HostConfig": {
                  "Binds": ["/dev/shm:/dev/shm", "models:/models:ro"],
                  "Mounts": [{"Type": "bind", "Source": "/var/log/plant", "Target": "/logs", "ReadOnly": true},
                             {"Type": "volume", "Source": "cache", "Target": "/cache"},
                             {"Type": "volume", "Target": "/scratch"},
                             {"Type": "tmpfs", "Target": "/tmp"}],
                  "PortBindings": {"502/tcp": [{"HostIp": "127.0.0.1", "HostPort": "1502"}, {"HostPort": ""}],
                                   "47808/udp": [{"HostPort": "47808"}]},
                  "Devices": [{"PathOnHost": "/dev/ttyUSB0", "PathInContainer": "/dev/modbus", "CgroupPermissions": "rw"},
                              {"PathOnHost": "/dev/i2c-1"}],
                  "Privileged": true,
                  "CapAdd": ["NET_ADMIN", "CAP_SYS_TIME"],
                  "CapDrop": ["ALL"],
                  "Memory": 1073741824,
                  "NanoCpus": 1500000000}}""").hostConfig();
        assertThat(host.binds()).containsExactly(new Mount(Mount.Type.BIND, "/dev/shm", "/dev/shm", false),
                new Mount(Mount.Type.VOLUME, "models", "/models", true));
        assertThat(host.mounts()).containsExactly(new Mount(Mount.Type.BIND, "/var/log/plant", "/logs", true),
                new Mount(Mount.Type.VOLUME, "cache", "/cache", false), new Mount(Mount.Type.VOLUME, "", "/scratch", false),
                new Mount(Mount.Type.TMPFS, "", "/tmp", false));
        assertThat(host.portBindings()).containsExactly(
                Map.entry(new ContainerPort(502, "tcp"), List.of(new PortBinding("127.0.0.1", 1502), new PortBinding("", 0))),
                Map.entry(new ContainerPort(47808, "udp"), List.of(new PortBinding("", 47808))));
        assertThat(host.devices()).containsExactly(new Device("/dev/ttyUSB0", "/dev/modbus", "rw"),
                new Device("/dev/i2c-1", "/dev/i2c-1", "rwm"));
        assertThat(host.privileged()).isTrue();
        assertThat(host.capAdd()).containsExactly("NET_ADMIN", "CAP_SYS_TIME");
        assertThat(host.capDrop()).containsExactly("ALL");
        assertThat(host.memory()).isEqualTo(1L << 30);
        assertThat(host.nanoCpus()).isEqualTo(1_500_000_000L);
    }

    @Test
    void readsTheEntrypointAsAStringOrAnArray() {
        assertThat(filterWith("{\"Entrypoint\": \"/bin/filter\", \"Cmd\": \"--fast\"}"))
                .extracting(CreateOptions::entrypoint, CreateOptions::cmd)
                .containsExactly(List.of("/bin/filter"), List.of("--fast"));
        assertThat(filterWith("{\"Entrypoint\": [\"/bin/sh\", \"-c\"], \"Cmd\": null}"))
                .extracting(CreateOptions::entrypoint, CreateOptions::cmd)
                .containsExactly(List.of("/bin/sh", "-c"), List.of());
    }

    @Test
    void readsFieldNamesIgnoringCaseAsDockerDoes() {
        CreateOptions options = filterWith("{\"env\": [\"A=1\"], \"hostConfig\": {\"memory\": 6291456, \"BINDS\": [\"/a:/b\"]}}");
        assertThat(options.env()).containsExactly("A=1");
        assertThat(options.hostConfig().memory()).isEqualTo(6_291_456L);
        assertThat(options.hostConfig().binds()).hasSize(1);
    }

    @Test
    void refusesAFieldRepeatedInAnotherCase() {
        Manifests.rejected(with(FILTER + "/settings/createOptions", "{\"Env\": [], \"ENV\": []}"),
                FILTER_PATH + ".settings.createOptions.ENV");
    }

    @Test
    void emptyOrAbsentCreateOptionsMeanNone() {
        assertThat(filterWith("{}")).isEqualTo(CreateOptions.NONE);
        String empty = with(FILTER + "/settings/createOptions", "");
        assertThat(DeploymentManifest.parse(empty).manifest().agent().modules().get("filtermodule").createOptions())
                .isEqualTo(CreateOptions.NONE);
    }

    @Test
    void warnsAboutBindOptionsAndDockerFieldsEflowDoesNotApply() {
        String options = "{\"HostConfig\": {\"Binds\": [\"/data:/data:ro,z\"], \"ShmSize\": 67108864}, \"Hostname\": \"f\"}";
        ParsedManifest parsed = DeploymentManifest.parse(with(FILTER + "/settings/createOptions", json(options)));
        String at = FILTER_PATH + ".settings.createOptions";
        assertThat(parsed.warnings()).contains(at + ".HostConfig.Binds[0]: mount option 'z' ignored",
                at + ".HostConfig.ShmSize: unknown field, ignored", at + ".Hostname: unknown field, ignored");
        assertThat(parsed.manifest().agent().modules().get("filtermodule").createOptions().hostConfig().binds())
                .containsExactly(new Mount(Mount.Type.BIND, "/data", "/data", true));
    }

    @Test
    void containerPortsPrintAsDockerWritesThem() {
        assertThat(ContainerPort.parse("8883")).isEqualTo(new ContainerPort(8883, "tcp")).hasToString("8883/tcp");
        assertThat(ContainerPort.parse("53/udp")).hasToString("53/udp");
    }
}
