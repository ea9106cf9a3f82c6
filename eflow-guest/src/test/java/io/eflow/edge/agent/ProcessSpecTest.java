package io.eflow.edge.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.contract.manifest.HealthCheck;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.eflow.edge.agent.SpecFixture.texts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcessSpecTest extends SpecTest {
    @Test
    void runsTheImagesEntrypointAndCmdWhenCreateOptionsGiveNone() {
        assertThat(texts(fixture.spec().at("/process/args"))).containsExactly("/app/run", "--serve");
    }

    @Test
    void cmdOfCreateOptionsReplacesTheImagesCmdBehindItsEntrypoint() {
        fixture.createOptions = "{'Cmd': ['--threshold', '25']}";
        assertThat(texts(fixture.spec().at("/process/args"))).containsExactly("/app/run", "--threshold", "25");
    }

    @Test
    void entrypointOfCreateOptionsDropsTheImagesCmd() {
        fixture.createOptions = "{'Entrypoint': ['/bin/sh']}";
        assertThat(texts(fixture.spec().at("/process/args"))).containsExactly("/bin/sh");

        fixture.createOptions = "{'Entrypoint': '/bin/sh', 'Cmd': ['-c', 'echo hi']}";
        assertThat(texts(fixture.spec().at("/process/args"))).containsExactly("/bin/sh", "-c", "echo hi");
    }

    @Test
    void nothingToRunIsAnErrorNamingTheModule() {
        fixture.image = ImageConfig.EMPTY;
        assertThatThrownBy(fixture::render).isInstanceOf(ModuleSpecException.class)
                .hasMessageStartingWith("module 'filtermodule': nothing to run")
                .extracting(e -> ((ModuleSpecException) e).module()).isEqualTo("filtermodule");
    }

    @Test
    void environmentLayersImageEdgeVariablesCreateOptionsAndManifestInThatOrder() {
        fixture.withHub("637123456789", Optional.empty());
        fixture.createOptions = "{'Env': ['LANG=de_DE.UTF-8', 'LOG_LEVEL=debug', 'RuntimeLogLevel=warn']}";
        fixture.env.put("LOG_LEVEL", "trace");
        fixture.env.put("TemperatureThreshold", "25");

        assertThat(texts(fixture.spec().at("/process/env"))).containsExactly(
                "PATH=/usr/bin:/bin",
                "LANG=de_DE.UTF-8",
                "IOTEDGE_MODULEID=filtermodule",
                "IOTEDGE_DEVICEID=device-1",
                "IOTEDGE_IOTHUBHOSTNAME=hub-1.azure-devices.net",
                "IOTEDGE_GATEWAYHOSTNAME=gateway.local",
                "IOTEDGE_MODULEGENERATIONID=637123456789",
                "IOTEDGE_WORKLOADURI=unix:///var/run/iotedge/workload.sock",
                "IOTEDGE_APIVERSION=2019-01-30",
                "IOTEDGE_AUTHSCHEME=sasToken",
                "RuntimeLogLevel=warn",
                "LOG_LEVEL=trace",
                "TemperatureThreshold=25");
    }

    @Test
    void theHubsGenerationWinsAndAConnectionStringComesOnlyWhenTheDeploymentAsks() {
        fixture.withHub("638700000000000001", Optional.empty());
        List<String> env = texts(fixture.spec().at("/process/env"));
        assertThat(env).contains("IOTEDGE_MODULEGENERATIONID=638700000000000001")
                .noneMatch(entry -> entry.startsWith("EdgeHubConnectionString=") || entry.contains("SharedAccessKey"));

        fixture.withHub("638700000000000001", Optional.of("HostName=h;DeviceId=d;ModuleId=filtermodule;SharedAccessKey=a2V5"));
        assertThat(texts(fixture.spec().at("/process/env")))
                .contains("EdgeHubConnectionString=HostName=h;DeviceId=d;ModuleId=filtermodule;SharedAccessKey=a2V5",
                        "EdgeModuleCACertificateFile=/etc/eflow/edge-ca.pem");
    }

    @Test
    void theProcessUserIsPartOfTheResultForTheWorkloadSocketsOwner() {
        fixture.createOptions = "{'User': '1000:1001'}";
        assertThat(fixture.render().user()).isEqualTo(new ProcessUser(1000, 1001, List.of()));
    }

    @Test
    void noWorkloadUriWithoutASocketAndADefaultPathWhenTheImageHasNone() {
        fixture.image = new ImageConfig(List.of("LANG=C"), List.of("run"), List.of(), "", "", Set.of(), Map.of(), HealthCheck.UNSET);
        fixture.createOptions = "{'Env': ['LANG']}";

        List<String> env = texts(fixture.spec().at("/process/env"));

        assertThat(env.get(0)).isEqualTo("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        assertThat(env).noneMatch(entry -> entry.startsWith("IOTEDGE_WORKLOADURI="))
                .as("a bare name unsets the variable, as with Docker").noneMatch(entry -> entry.startsWith("LANG"));
    }

    @Test
    void workingDirOfCreateOptionsWinsOverTheImagesAndDefaultsToRoot() {
        assertThat(fixture.spec().at("/process/cwd").asText()).isEqualTo("/app");
        fixture.createOptions = "{'WorkingDir': '/data'}";
        assertThat(fixture.spec().at("/process/cwd").asText()).isEqualTo("/data");
        fixture.createOptions = "{}";
        fixture.image = new ImageConfig(List.of(), List.of("run"), List.of(), "", "", Set.of(), Map.of(), HealthCheck.UNSET);
        assertThat(fixture.spec().at("/process/cwd").asText()).isEqualTo("/");
    }

    @Test
    void numericUsersNeedNoPasswdFile() {
        fixture.createOptions = "{'User': '1000:1001'}";
        JsonNode user = fixture.spec().at("/process/user");
        assertThat(user.get("uid").asLong()).isEqualTo(1000);
        assertThat(user.get("gid").asLong()).isEqualTo(1001);

        fixture.createOptions = "{'User': '4242'}";
        assertThat(fixture.spec().at("/process/user/gid").asLong()).as("gid 0 when the uid is not in passwd").isZero();
    }

    @Test
    void userNamesAreResolvedFromTheImagesPasswdAndGroup() throws IOException {
        writeUsers();
        fixture.image = new ImageConfig(List.of(), List.of("run"), List.of(), "", "app", Set.of(), Map.of(), HealthCheck.UNSET);

        JsonNode user = fixture.spec().at("/process/user");

        assertThat(user.get("uid").asLong()).isEqualTo(1500);
        assertThat(user.get("gid").asLong()).isEqualTo(1600);
        assertThat(user.get("additionalGids")).extracting(JsonNode::asLong).containsExactly(20L, 44L);

        fixture.createOptions = "{'User': 'app:dialout'}";
        user = fixture.spec().at("/process/user");
        assertThat(user.get("uid").asLong()).isEqualTo(1500);
        assertThat(user.get("gid").asLong()).isEqualTo(20);
    }

    @Test
    void unknownUserOrGroupNamesAreErrorsNamingTheModule() throws IOException {
        writeUsers();
        assertRefused("{'User': 'nobody-here'}").hasMessageContaining("user 'nobody-here'");
        assertRefused("{'User': 'app:wheel'}").hasMessageContaining("group 'wheel'");
    }

    @Test
    void rootNeedsNoPasswdFile() {
        fixture.createOptions = "{'User': 'root'}";
        JsonNode user = fixture.spec().at("/process/user");
        assertThat(user.get("uid").asLong()).isZero();
        assertThat(user.get("gid").asLong()).isZero();
        assertThat(user.has("additionalGids")).isFalse();
    }

    @Test
    void labelsBecomeAnnotationsCreateOptionsWinning() {
        fixture.createOptions = "{'Labels': {'owner': 'plant-3', 'org.opencontainers.image.title': 'renamed'}}";
        JsonNode annotations = fixture.spec().get("annotations");
        assertThat(annotations.get("owner").asText()).isEqualTo("plant-3");
        assertThat(annotations.get("org.opencontainers.image.title").asText()).isEqualTo("renamed");
    }

    @Test
    void ownNamespacesJoiningTheModuleNetworkAndTheModuleNameAsHostName() {
        JsonNode spec = fixture.spec();
        assertThat(spec.get("hostname").asText()).isEqualTo("filtermodule");
        assertThat(spec.at("/linux/namespaces")).extracting(ns -> ns.get("type").asText())
                .containsExactlyInAnyOrder("pid", "ipc", "uts", "mount", "network", "cgroup");
        for (JsonNode ns : spec.at("/linux/namespaces")) {
            assertThat(ns.has("path")).as(ns.toString()).isEqualTo(ns.get("type").asText().equals("network"));
        }
        assertThat(spec.at("/linux/namespaces").findValue("path").asText()).isEqualTo("/run/netns/eflow-modules");
        assertThat(spec.at("/root/path").asText()).isEqualTo(fixture.rootfs().toString());
        assertThat(spec.at("/root/readonly").asBoolean()).isFalse();
    }

    @Test
    void theHealthCheckRunsAsTheModulesOwnProcessWithOnlyTheArgumentsChanged() {
        fixture.createOptions = "{'User': '1000:1001', 'Healthcheck': {'Test': ['CMD-SHELL', 'test -e /tmp/healthy'],"
                + " 'Interval': 1000000000, 'Retries': 1}}";
        ModuleSpec.Result result = fixture.render();

        ObjectNode probe = (ObjectNode) SpecFixture.tree(result.probe().orElseThrow());
        ObjectNode process = (ObjectNode) SpecFixture.tree(result.json()).get("process");
        assertThat(texts(probe.get("args"))).containsExactly("/bin/sh", "-c", "test -e /tmp/healthy");
        probe.remove("args");
        process.remove("args");
        assertThat(probe).as("user, environment, working folder, capabilities").isEqualTo(process);
        assertThat(result.health()).isEqualTo(new HealthCheck(List.of("CMD-SHELL", "test -e /tmp/healthy"), Duration.ofSeconds(1),
                Duration.ofSeconds(30), Duration.ZERO, 1));
    }

    @Test
    void theImagesHealthCheckAppliesUnlessCreateOptionsSayNone() {
        fixture.image = new ImageConfig(List.of(), List.of("run"), List.of(), "", "", Set.of(), Map.of(),
                new HealthCheck(List.of("CMD", "/app/healthz", "--ready"), Duration.ZERO, Duration.ZERO, Duration.ZERO, 0));
        assertThat(texts(SpecFixture.tree(fixture.render().probe().orElseThrow()).get("args")))
                .containsExactly("/app/healthz", "--ready");

        fixture.createOptions = "{'Healthcheck': {'Test': ['NONE']}}";
        assertThat(fixture.render().probe()).isEmpty();
    }

    @Test
    void noHealthCheckAnywhereMeansNoProbe() {
        assertThat(fixture.render().probe()).isEmpty();
    }

    private void writeUsers() throws IOException {
        Path etc = fixture.rootfs().resolve("etc");
        Files.writeString(etc.resolve("passwd"), """
                root:x:0:0:root:/root:/bin/sh
                # the module's user
                app:x:1500:1600::/home/app:/sbin/nologin
                """);
        Files.writeString(etc.resolve("group"), """
                root:x:0:
                dialout:x:20:app
                video:x:44:other,app
                app:x:1600:
                """);
    }
}
