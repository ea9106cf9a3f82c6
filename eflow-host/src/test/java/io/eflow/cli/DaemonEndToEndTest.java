package io.eflow.cli;


import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.daemon.Eflowd;
import io.eflow.daemon.api.DeployRequest;
import io.eflow.daemon.api.InvokeRequest;
import io.eflow.host.HostInfo;
import io.eflow.instance.InstanceManager;
import io.eflow.instance.model.BackendKind;
import io.eflow.instance.model.InstanceConfig;
import io.eflow.instance.model.InstanceLayout;
import io.eflow.instance.model.LogSize;
import io.eflow.instance.model.NetworkConfig;
import io.eflow.instance.model.Slot;
import io.eflow.platform.EflowException;
import io.eflow.platform.EflowPaths;
import io.eflow.platform.InvalidValue;
import io.eflow.platform.Json;
import io.eflow.platform.Privileges;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * eflowd started in-process on a temporary EFLOW_HOME, driven through the real CLI and its client.
 * Only what the instance manager already does is exercised for success (host-config); the rest for its errors,
 * which the daemon decides before the manager is asked. Runs as root, as eflowd refuses anything else.
 */
@EnabledIf("io.eflow.platform.Privileges#isRoot")
class DaemonEndToEndTest {
    @TempDir
    Path home;
    @TempDir
    Path cwd;
    private Eflowd eflowd;
    private DaemonClient client;

    @BeforeEach
    void startDaemon() {
        EflowPaths paths = EflowPaths.from(Map.of("EFLOW_HOME", home.toString()));
        eflowd = Eflowd.start(paths, new InstanceManager(paths));
        client = new DaemonClient(DaemonHttp.unix(paths.daemonSocket()), null);
    }

    @AfterEach
    void stopDaemon() {
        eflowd.close();
    }

    private CliRun eflow(String... args) {
        return CliRun.run(home, cwd, true, args);
    }

    @Test
    void hostConfigReportsThisHost() throws Exception {
        CliRun json = eflow("host-config", "--json");
        CliRun text = eflow("host-config");

        assertThat(json.exitCode()).as(json.err()).isZero();
        HostInfo host = Json.MAPPER.readValue(json.outBytes(), HostInfo.class);
        assertThat(host.logicalProcessors()).isEqualTo(Runtime.getRuntime().availableProcessors());
        long memTotalMb = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024).findFirst().orElseThrow();
        assertThat(host.freeMemoryMb()).isPositive().isLessThanOrEqualTo(memTotalMb);
        assertThat(host.disks()).isNotEmpty().allSatisfy(disk -> {
            assertThat(disk.totalGb()).isGreaterThanOrEqualTo(disk.freeGb());
            assertThat(disk.type()).isNotBlank();
        });
        assertThat(host.disks()).extracting(HostInfo.Disk::path).contains(home.toString());

        assertThat(text.exitCode()).isZero();
        assertThat(text.out()).contains("Logical processors  " + host.logicalProcessors(), "Free memory (MB)", "PATH", home.toString());
        assertThat(text.err()).isEmpty();
    }

    @Test
    void unknownInstanceIsA404InOneLine() {
        CliRun run = eflow("get", "--name", "nosuch");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("eflow: no instance named 'nosuch'; 'eflow list' shows the instances" + System.lineSeparator());
        assertThat(run.out()).isEmpty();
        for (String command : new String[]{"start", "stop", "verify", "addr", "connect", "remove", "logs"}) {
            CliRun other = eflow(command, "--name", "nosuch");
            assertThat(other.exitCode()).as(command).isEqualTo(1);
            assertThat(other.errLines()).as(command).containsExactly("eflow: no instance named 'nosuch'; 'eflow list' shows the instances");
        }
        assertThatThrownBy(() -> client.invoke("nosuch", new InvokeRequest(List.of("true"), null)))
                .isInstanceOfSatisfying(EflowException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void setChangesTheStoredSizesAndAnInvalidSetChangesNothing() throws Exception {
        EflowPaths paths = EflowPaths.from(Map.of("EFLOW_HOME", home.toString()));
        InstanceLayout layout = InstanceLayout.of(paths, "edge1");
        Files.createDirectories(layout.state());
        InstanceConfig config = new InstanceConfig("edge1", 1, 1024, 2,
                LogSize.SMALL, BackendKind.QEMU,
                new NetworkConfig("172.30.0.2", 24, "172.30.0.1", "02:00:00:00:00:01", false), "1", Slot.A,
                Instant.EPOCH);
        Files.write(layout.configFile(), Json.write(config));
        byte[] before = Files.readAllBytes(layout.configFile());

        CliRun invalid = eflow("set", "--name", "edge1", "--cpus", "999");
        assertThat(invalid.exitCode()).isEqualTo(1);
        assertThat(invalid.errLines()).hasSize(1);
        assertThat(Files.readAllBytes(layout.configFile())).isEqualTo(before);

        CliRun valid = eflow("set", "--name", "edge1", "--memory", "1536", "--json");
        if (Privileges.isRoot()) {
            assertThat(valid.exitCode()).as(valid.err()).isZero();
            assertThat(valid.out()).contains("\"memoryMb\" : 1536");
            InstanceConfig stored = Json.MAPPER.readValue(layout.configFile().toFile(), InstanceConfig.class);
            assertThat(stored.memoryMb()).isEqualTo(1536);
            assertThat(stored.cpus()).isEqualTo(1);
        } else {
            assertThat(valid.errLines()).containsExactly("eflow: eflow needs root: run it with sudo (the original needs an elevated session too)");
        }
    }

    @Test
    void invalidNamesAreA400() {
        assertThatThrownBy(() -> client.get("-bad-")).isInstanceOfSatisfying(EflowException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).startsWith("name must be 1-63 letters");
            assertThat(Flags.message((InvalidValue) e)).startsWith("--name must be 1-63 letters");
        });
    }

    @Test
    void deployValidationIsA400WithTheMessage() {
        int cores = Runtime.getRuntime().availableProcessors();
        CliRun run = eflow("deploy", "--name", "edge1", "--cpus", "999");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("eflow: --cpus must be between 1 and " + cores
                + " (the host's logical processors), not 999");
        assertThat(run.out()).isEmpty();
        assertThat(home.resolve("instances/edge1")).doesNotExist();

        DeployRequest halfStatic = new DeployRequest("edge1", null, null, null, null, null, "10.0.0.2", null, null, null);
        assertThatThrownBy(() -> client.deploy(halfStatic, line -> { })).isInstanceOfSatisfying(EflowException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e).isInstanceOf(InvalidValue.class);
            assertThat(Flags.message((InvalidValue) e))
                    .isEqualTo("--ip, --prefix and --gateway make a static address together: give all three or none");
        });
        CliRun badBackend = eflow("deploy", "--backend", "vmware");
        assertThat(badBackend.errLines()).containsExactly("eflow: --backend must be auto, namespace or qemu, not 'vmware'");
    }

    @Test
    void deployRefusesAnExistingName() throws Exception {
        Files.createDirectories(home.resolve("instances/edge1"));
        InstanceConfig existing = new InstanceConfig("edge1", 1, 1024, 2, LogSize.SMALL, BackendKind.NAMESPACE,
                new NetworkConfig("172.30.9.2", 24, "172.30.9.1", "02:00:00:00:00:01", false), "0.1.0", Slot.A, Instant.now());
        Json.mapper().writeValue(home.resolve("instances/edge1/config.json").toFile(), existing);

        assertThatThrownBy(() -> client.deploy(new DeployRequest("edge1", null, null, null, null, null, null, null, null, null), line -> { }))
                .isInstanceOfSatisfying(EflowException.class, e -> assertThat(e.status()).isEqualTo(409))
                .hasMessageStartingWith("an instance named 'edge1' already exists");
    }

    @Test
    void malformedBodiesAndUnknownEndpointsAnswerJsonErrors() throws Exception {
        DaemonHttp http = DaemonHttp.unix(eflowd.socket());
        try (DaemonHttp.Response response = http.send("POST", "/v1/instances", "{\"cpus\": \"many\"".getBytes(StandardCharsets.UTF_8))) {
            assertThat(response.status()).isEqualTo(400);
            JsonNode body = Json.MAPPER.readTree(response.bodyBytes());
            assertThat(body.get("error").asText()).startsWith("malformed DeployRequest JSON: ").doesNotContain("\n");
        }
        try (DaemonHttp.Response response = http.send("GET", "/v1/nothing", null)) {
            assertThat(response.status()).isEqualTo(404);
            assertThat(response.contentType()).startsWith("application/json");
            assertThat(Json.MAPPER.readTree(response.bodyBytes()).get("error").asText()).isNotBlank();
        }
    }

    @Test
    void versionShowsTheRunningDaemon() {
        CliRun run = eflow("version");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("eflow 0.1.0" + System.lineSeparator() + "eflowd 0.1.0 (pid " + ProcessHandle.current().pid()
                + ", Java " + Runtime.version() + ")" + System.lineSeparator());
    }
}
