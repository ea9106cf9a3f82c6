package io.eflow.it;

import io.eflow.console.ConsoleBrowser;
import io.eflow.daemon.Eflowd;
import io.eflow.daemon.api.ConsoleEnable;
import io.eflow.daemon.api.ConsoleStatus;
import io.eflow.instance.InstanceManager;
import io.eflow.modules.AgentClient;
import io.eflow.platform.EflowPaths;
import io.eflow.platform.Exec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console in Debian's Chromium against a real eflowd with a real guest: the wizard deploys it (progress streamed),
 * the samples' deployment is applied from the Deployment tab, both modules run, the sensor's log lines arrive live, a
 * restart moves the restart count, a bad manifest is refused at its field, and a CPU count saved on the overview holds
 * after a stop and a start, the hub's live figures show, the checks run, {@code uname -a} answers in the terminal, and an
 * update is applied from the Updates tab and followed to "committed"; then the README's commands from another network
 * namespace with {@code eflow --host} give what they give on the host. The daemon has its own install (EFLOW_HOME) beside the harness's, sharing its image cache and
 * trusted keys. Screenshots of each page go to target/console-screenshots.
 */
@BothBackends
class ConsoleIT {
    private static final String NAME = "console-it";
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
            try {
                ConsoleBrowser.scenario(there, "wizard.mjs", status.url(), env);
                assertThat(manager.list()).singleElement().satisfies(i -> assertThat(i.name()).isEqualTo(NAME));

                // what the quickstart does on the host: the sample modules' images into the guest
                for (String sample : new String[]{"filter", "temperature-sensor"}) {
                    new AgentClient(manager).load(NAME, HubIT.SAMPLES.resolve(sample + "/target/" + sample + ".tar"),
                            "localhost:5000/eflow-samples/" + sample + ":0.1.0");
                }
                ConsoleBrowser.scenario(there, "modules.mjs", status.url(), env);
                assertThat(manager.config(NAME).cpus()).isEqualTo(2);

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
            } finally {
                if (manager.list().stream().anyMatch(i -> i.name().equals(NAME))) {
                    manager.remove(NAME);
                }
            }
        }
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
