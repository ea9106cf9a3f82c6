package io.eflow.it;

import io.eflow.console.ConsoleBrowser;
import io.eflow.contract.wire.ProvisioningState;
import io.eflow.contract.wire.ProvisioningType;
import io.eflow.daemon.Eflowd;
import io.eflow.daemon.api.ConsoleEnable;
import io.eflow.daemon.api.ConsoleStatus;
import io.eflow.daemon.api.NetworkAdd;
import io.eflow.firewall.FirewallRule;
import io.eflow.forward.Forward;
import io.eflow.instance.InstanceManager;
import io.eflow.instance.model.BackendKind;
import io.eflow.instance.model.Feature;
import io.eflow.iothub.emulator.IotHubEmulator;
import io.eflow.iothub.emulator.dps.Attestation;
import io.eflow.iothub.emulator.dps.Enrollment;
import io.eflow.modules.AgentClient;
import io.eflow.modules.CloudClient;
import io.eflow.modules.RuntimeSocket;
import io.eflow.platform.EflowPaths;
import io.eflow.platform.Exec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The console in Debian's Chromium against a real eflowd with a real guest: the wizard deploys it with a static host-link
 * address and an endpoint on a nat network, which the guest then holds, and provisions it through the IoT Hub emulator's
 * DPS with an enrollment group's key (malformed input refused at its fields on the way), its progress streamed and the
 * provisioning followed to "connected"; the Settings tab allows a firewall rule that eflow firewall list then shows, adds
 * a forward that a host connection goes through, and turns dm-verity on, which holds after a stop and a start, then
 * takes all three away again; the samples' deployment is applied from the Deployment tab, both modules run, the
 * sensor's log lines arrive live, a restart moves the restart count, a bad manifest is refused at its field, and a CPU
 * count saved on the overview holds after a stop and a start, the hub's live figures show, the checks run,
 * {@code uname -a} answers in the terminal, and an update is applied from the Updates tab and followed to "committed";
 * then the README's commands from another network namespace with {@code eflow --host} give what they give on the host.
 * The daemon has its own install (EFLOW_HOME) beside the harness's, sharing its image cache and trusted keys.
 * Screenshots of each page go to target/console-screenshots.
 */
@BothBackends
class ConsoleIT {
    private static final String NAME = "console-it";
    private static final String NETWORK = "console-lan";
    private static final String NETWORK_SUBNET = "198.19.31.0/24";
    private static final String ENDPOINT_ADDRESS = "198.19.31.20";
    private static final String HOST_LINK = "10.213.31.2";
    private static final String HOST_LINK_GATEWAY = "10.213.31.1";
    private static final String REGISTRATION = "console-it-dps";
    /** The source of the rule the Settings tab allows (tcp 8080 on the endpoint), which nothing else in eflow firewall list names. */
    private static final String RULE_SOURCE = "198.19.31.0/24";
    private static final int COUNTER = 6102;
    @Parameter
    String backend;

    @Test
    void theWizardTheModulesTheirLiveLogsARestartAndASetting(TestHost host) throws Exception {
        Path home = host.workDir("console-" + backend);
        EflowPaths ours = host.paths();
        EflowPaths paths = new EflowPaths(home, home.resolve("run"), home.resolve("log"), ours.cache(), ours.releaseKey(), ours.trust());
        InstanceManager manager = new InstanceManager(paths);
        // the browser and the remote CLI on another machine: a network namespace joined to the host by a veth, whose
        // addresses stay put while the host's change with every guest started (Chromium drops its requests when they do)
        try (Eflowd eflowd = Eflowd.start(paths, manager); AttackerHost elsewhere = new AttackerHost(host.runId())) {
            int port;
            try (ServerSocket free = new ServerSocket(0)) {
                port = free.getLocalPort();
            }
            ConsoleStatus status = eflowd.console().enable(new ConsoleEnable(AttackerHost.HOST + ":" + port, null, null, null, null));
            List<String> there = elsewhere.inNamespace(List.of());
            Map<String, String> env = Map.of("EFLOW_ADMIN_PASSWORD", status.firstPassword(), "EFLOW_INSTANCE", NAME,
                    "EFLOW_BACKEND", backend, "EFLOW_MANIFEST", HubIT.SAMPLES.resolve("deployment.json").toAbsolutePath().toString());
            manager.networks().add(new NetworkAdd(NETWORK, "nat", NETWORK_SUBNET, null));
            try {
                theWizardDeploysWithAddressesAnEndpointAndDps(manager, paths, home, there, status.url(), env);

                int forwardPort;
                try (ServerSocket free = new ServerSocket(0)) {
                    forwardPort = free.getLocalPort();
                }
                Map<String, String> settings = new HashMap<>(env);
                settings.putAll(Map.of("EFLOW_FORWARD_HOST_PORT", Integer.toString(forwardPort), "EFLOW_FORWARD_GUEST_PORT",
                        Integer.toString(COUNTER), "EFLOW_NETWORK", NETWORK, "EFLOW_PHASE", "change"));
                countsBytesOnTheGuestsLoopback(manager);
                ConsoleBrowser.scenario(there, "settings.mjs", status.url(), settings);
                theSettingsHold(manager, home, forwardPort);

                // what the quickstart does on the host: the sample modules' images into the guest
                for (String sample : new String[]{"filter", "temperature-sensor"}) {
                    new AgentClient(manager).load(NAME, HubIT.SAMPLES.resolve(sample + "/target/" + sample + ".tar"),
                            "localhost:5000/eflow-samples/" + sample + ":0.1.0");
                }
                ConsoleBrowser.scenario(there, "modules.mjs", status.url(), env);
                assertThat(manager.config(NAME).cpus()).isEqualTo(2);
                assertThat(manager.feature(NAME, Feature.DM_VERITY).enabled()).as("dm-verity after the stop and start").isTrue();

                settings.put("EFLOW_PHASE", "undo");
                ConsoleBrowser.scenario(there, "settings.mjs", status.url(), settings);
                theSettingsAreUndone(manager, home, forwardPort);

                // an update: the same image bundled as the next version (updates go in sequence), staged where a remote
                // caller may name host files (EFLOW_HOME/updates), a folder the Updates tab checks
                String installed = manager.list().get(0).imageVersion().replaceAll("\\+.*", ""); // without build metadata
                String next = installed.substring(0, installed.lastIndexOf('.') + 1)
                        + (Integer.parseInt(installed.substring(installed.lastIndexOf('.') + 1)) + 1);
                Path bundles = Files.createDirectories(paths.updates());
                Exec.Result bundled = Exec.of(UpdateIT.LAUNCHER.toString(), "image", "bundle", "--image", host.image().dir().toString(),
                        "--version", next, "--out", bundles.resolve("eflow-" + next + ".bundle").toString())
                        .env("EFLOW_HOME", home.toString()).env("EFLOW_TRUST_DIR", ours.trust().toString()).timeoutSeconds(900).run();
                assertThat(bundled.exitCode()).as(bundled.stderr()).isZero();
                Map<String, String> update = new HashMap<>(env);
                update.putAll(Map.of("EFLOW_UPDATE_SOURCE", bundles.toString(), "EFLOW_UPDATE_VERSION", next));
                ConsoleBrowser.scenario(there, "updates.mjs", status.url(), update);
                assertThat(manager.list()).singleElement().satisfies(i -> assertThat(i.imageVersion()).isEqualTo(next));

                remoteCliGivesWhatTheHostsGives(eflowd, elsewhere, status, home);

                // a restart from the Overview: the guest's init is another process after it (and, in a VM, the kernel
                // another boot), then the removal
                List<String> boot = List.of("sh", "-c", "cat /proc/sys/kernel/random/boot_id; cut -d' ' -f22 /proc/1/stat");
                Duration briefly = Duration.ofSeconds(30);
                String before = manager.invoke(NAME, boot, briefly).stdoutText();
                Map<String, String> lifecycle = new HashMap<>(env);
                lifecycle.put("EFLOW_PHASE", "restart");
                ConsoleBrowser.scenario(there, "lifecycle.mjs", status.url(), lifecycle);
                assertThat(manager.invoke(NAME, boot, briefly).stdoutText()).as("the guest started afresh").isNotBlank().isNotEqualTo(before);
                lifecycle.put("EFLOW_PHASE", "remove");
                ConsoleBrowser.scenario(there, "lifecycle.mjs", status.url(), lifecycle);
                assertThat(manager.list()).as("removed from the console").noneMatch(i -> i.name().equals(NAME));
            } finally {
                if (manager.list().stream().anyMatch(i -> i.name().equals(NAME))) {
                    manager.remove(NAME);
                }
                manager.networks().remove(NETWORK);
            }
        }
    }

    /**
     * The wizard deploys with a static host-link address and a static endpoint on a nat network, and provisions through
     * DPS with an enrollment group's key (after a malformed scope id is refused at its field). The emulator's DPS is
     * reachable by its name only once the guest runs with its endpoint, so the wizard's first attempt may find it
     * unreachable and the guest retries; the wizard's last page follows the provisioning to "connected".
     */
    private void theWizardDeploysWithAddressesAnEndpointAndDps(InstanceManager manager, EflowPaths paths, Path home, List<String> there,
                                                            String url, Map<String, String> env) throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String groupKey = Base64.getEncoder().encodeToString(key);
        try (IotHubEmulator emulator = EmulatorRoute.start(home.resolve("iothub"))) {
            Instant now = Instant.now();
            emulator.provisioning().enrollments().put(new Enrollment(Enrollment.Kind.GROUP, "console-it", new Attestation.SymmetricKey(
                    groupKey, groupKey), Optional.empty(), true, Optional.empty(), true, 0, now, now), Optional.empty());
            Map<String, String> wizard = new HashMap<>(env);
            wizard.putAll(Map.of("EFLOW_HOST_LINK", HOST_LINK + "/24 " + HOST_LINK_GATEWAY, "EFLOW_NETWORK", NETWORK,
                    "EFLOW_ENDPOINT", ENDPOINT_ADDRESS + "/24", "EFLOW_DPS", "https://" + EmulatorRoute.HUB + " "
                            + emulator.provisioning().idScope() + " " + REGISTRATION, "EFLOW_DPS_GROUP_KEY", groupKey,
                    "EFLOW_DPS_TRUST", emulator.caCertificate().toString()));
            CompletableFuture<Void> browser = CompletableFuture.runAsync(() -> ConsoleBrowser.scenario(there, "wizard.mjs", url, wizard));
            await().atMost(Duration.ofMinutes(10)).ignoreExceptions().until(() -> browser.isDone() || manager.endpoints().list(NAME)
                    .endpoints().stream().anyMatch(e -> e.name().equals(NETWORK) && "UP".equals(e.state())));
            if (!browser.isDone()) {
                routeToTheEmulator(manager, paths, home, emulator);
            }
            browser.join();

            assertThat(manager.list()).singleElement().satisfies(i -> assertThat(i.name()).isEqualTo(NAME));
            assertThat(manager.config(NAME).network().address()).isEqualTo(HOST_LINK);
            String addresses = manager.invoke(NAME, List.of("ip", "-4", "-o", "addr"), Duration.ofSeconds(30)).stdoutText();
            assertThat(addresses).as("the guest's addresses").contains(" " + HOST_LINK + "/24 ").contains(" " + ENDPOINT_ADDRESS + "/24 ");
            CloudClient cloud = new CloudClient(new RuntimeSocket(manager));
            ProvisioningState provisioned = cloud.provisioning(NAME);
            assertThat(provisioned.state()).as(provisioned.lastError()).isEqualTo(ProvisioningState.Link.CONNECTED);
            assertThat(provisioned.type()).isEqualTo(ProvisioningType.DPS_SYMMETRIC_KEY);
            assertThat(provisioned.hub()).isEqualTo(EmulatorRoute.HUB);
            assertThat(provisioned.device()).as("the device DPS made for the wizard's registration").isEqualTo(REGISTRATION);
            assertThat(emulator.registry().device(REGISTRATION).iotEdge()).as("an IoT Edge device in the hub").isTrue();
            cloud.remove(NAME); // the emulator goes now; the rest of the test runs without IoT Hub
        }
    }

    /** The hub's name in the guest and, on the namespace backend, the redirect and reverse forwards (with the CLI: the daemon's). */
    private void routeToTheEmulator(InstanceManager manager, EflowPaths paths, Path home, IotHubEmulator emulator) {
        if (manager.config(NAME).backend() == BackendKind.NAMESPACE) {
            for (Forward forward : EmulatorRoute.forwards(emulator)) {
                Exec.Result added = Exec.of(UpdateIT.LAUNCHER.toString(), "forward", "add", "--name", NAME, "--reverse", forward.host(),
                        Integer.toString(forward.guestPort())).env("EFLOW_HOME", home.toString()).timeoutSeconds(60).run();
                assertThat(added.exitCode()).as(added.stderr()).isZero();
            }
        }
        EmulatorRoute.redirect(manager, paths, NAME, true);
    }

    /** A program on the guest's loopback that answers with the count of bytes it was sent, for the forward to reach. */
    private static void countsBytesOnTheGuestsLoopback(InstanceManager manager) {
        manager.invoke(NAME, List.of("sh", "-c", "setsid socat TCP-LISTEN:" + COUNTER + ",fork,reuseaddr,bind=127.0.0.1 EXEC:'wc -c'"
                + " </dev/null >/dev/null 2>&1 &"), Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(30)).until(() -> manager.invoke(NAME, List.of("socat", "-u", "/dev/null", "TCP:127.0.0.1:"
                + COUNTER), Duration.ofSeconds(30)).exitCode() == 0);
    }

    /** What the Settings tab changed, seen from the host: the CLI's firewall list, a connection through the forward, the feature. */
    private static void theSettingsHold(InstanceManager manager, Path home, int forwardPort) throws IOException {
        Exec.Result listed = Exec.of(UpdateIT.LAUNCHER.toString(), "firewall", "list", "--name", NAME).env("EFLOW_HOME", home.toString())
                .timeoutSeconds(60).run();
        assertThat(listed.stdout()).as("eflow firewall list").contains(RULE_SOURCE, "8080", NETWORK);
        assertThat(manager.firewall(NAME).rules()).containsExactly(FirewallRule.of("tcp", "8080", RULE_SOURCE, NETWORK));
        try (Socket through = new Socket(InetAddress.getLoopbackAddress(), forwardPort)) {
            through.getOutputStream().write("twelve bytes".getBytes(StandardCharsets.US_ASCII));
            through.shutdownOutput();
            assertThat(new String(through.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip()).isEqualTo("12");
        }
        assertThat(manager.feature(NAME, Feature.DM_VERITY).enabled()).isTrue();
    }

    /** The forward, the rule and the feature removed again from the Settings tab. */
    private static void theSettingsAreUndone(InstanceManager manager, Path home, int forwardPort) {
        Exec.Result listed = Exec.of(UpdateIT.LAUNCHER.toString(), "firewall", "list", "--name", NAME).env("EFLOW_HOME", home.toString())
                .timeoutSeconds(60).run();
        assertThat(listed.stdout()).as("eflow firewall list").doesNotContain(RULE_SOURCE);
        assertThat(manager.firewall(NAME).rules()).isEmpty();
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), forwardPort).close()).as("the forward's port")
                .isInstanceOf(ConnectException.class);
        assertThat(manager.feature(NAME, Feature.DM_VERITY).enabled()).isFalse();
    }

    /**
     * The README's commands from the other machine with {@code eflow --host} and a token, next to the same commands on
     * the host: the same output and exit codes. The console listens on the host's address of that link, which its
     * certificate names.
     */
    private void remoteCliGivesWhatTheHostsGives(Eflowd eflowd, AttackerHost elsewhere, ConsoleStatus status, Path home) throws Exception {
        Path token = home.resolve("remote.token");
        Files.writeString(token, eflowd.console().accounts().createToken("admin", "remote-it", "1h").token());
        List<String> remote = List.of("--host", status.url(), "--token-file", token.toString(), "--ca", status.caFile());
        for (List<String> command : List.of(List.of("list"), List.of("verify", "--name", NAME), List.of("addr", "--name", NAME),
                List.of("invoke", "--name", NAME, "--", "uname", "-a"), List.of("module", "list", "--name", NAME),
                List.of("firewall", "list", "--name", NAME), List.of("forward", "list", "--name", NAME),
                List.of("dns", "show", "--name", NAME), List.of("hub", "identity", "list", "--name", NAME),
                List.of("endpoint", "list", "--name", NAME), List.of("network", "list"), List.of("get", "--name", "nosuch"),
                List.of("invoke", "--name", NAME, "--", "sh", "-c", "exit 3"))) {
            List<String> local = new ArrayList<>(List.of(UpdateIT.LAUNCHER.toString()));
            local.addAll(command);
            List<String> far = new ArrayList<>(local.subList(0, 1));
            far.addAll(remote);
            far.addAll(command);
            Exec.Result here = Exec.of(local).env("EFLOW_HOME", home.toString()).timeoutSeconds(120).run();
            Exec.Result there = Exec.of(elsewhere.inNamespace(far)).env("EFLOW_HOME", home.resolve("not-here").toString())
                    .timeoutSeconds(120).run();
            assertThat(there.exitCode()).as(String.join(" ", command) + ": " + there.stderr()).isEqualTo(here.exitCode());
            assertThat(there.stdout()).as(String.join(" ", command)).isEqualTo(here.stdout());
            assertThat(there.stderr()).as(String.join(" ", command)).isEqualTo(here.stderr());
        }
    }
}
