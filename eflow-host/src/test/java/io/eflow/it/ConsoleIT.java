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
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console in Debian's Chromium against a real eflowd with a real guest: the wizard deploys it (progress streamed),
 * the samples' deployment is applied from the Deployment tab, both modules run, the sensor's log lines arrive live, a
 * restart moves the restart count, a bad manifest is refused at its field, and a CPU count saved on the overview holds
 * after a stop and a start, the hub's live figures show, the checks run, {@code uname -a} answers in the terminal, and an
 * update is applied from the Updates tab and followed to "committed". The daemon has its own install (EFLOW_HOME) beside the harness's, sharing its image cache and
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
        try (Eflowd eflowd = Eflowd.start(paths, manager)) {
            int port;
            try (ServerSocket free = new ServerSocket(0)) {
                port = free.getLocalPort();
            }
            ConsoleStatus status = eflowd.console().enable(new ConsoleEnable("127.0.0.1:" + port, null, null, null, null));
            Map<String, String> env = Map.of("EFLOW_ADMIN_PASSWORD", status.firstPassword(), "EFLOW_INSTANCE", NAME,
                    "EFLOW_BACKEND", backend, "EFLOW_MANIFEST", HubIT.SAMPLES.resolve("deployment.json").toAbsolutePath().toString());
            try {
                ConsoleBrowser.scenario("wizard.mjs", status.url(), env);
                assertThat(manager.list()).singleElement().satisfies(i -> assertThat(i.name()).isEqualTo(NAME));

                // what the quickstart does on the host: the sample modules' images into the guest
                for (String sample : new String[]{"filter", "temperature-sensor"}) {
                    new AgentClient(manager).load(NAME, HubIT.SAMPLES.resolve(sample + "/target/" + sample + ".tar"),
                            "localhost:5000/eflow-samples/" + sample + ":0.1.0");
                }
                ConsoleBrowser.scenario("modules.mjs", status.url(), env);
                assertThat(manager.config(NAME).cpus()).isEqualTo(2);

                // an update: the same image bundled as the next version (updates go in sequence), in a folder the Updates tab checks
                String installed = manager.list().get(0).imageVersion().replaceAll("\\+.*", ""); // without build metadata
                String next = installed.substring(0, installed.lastIndexOf('.') + 1)
                        + (Integer.parseInt(installed.substring(installed.lastIndexOf('.') + 1)) + 1);
                Path bundles = Files.createDirectories(home.resolve("bundles"));
                Exec.Result bundled = Exec.of(UpdateIT.LAUNCHER.toString(), "image", "bundle", "--image", host.image().dir().toString(),
                        "--version", next, "--out", bundles.resolve("eflow-" + next + ".bundle").toString())
                        .env("EFLOW_HOME", home.toString()).env("EFLOW_TRUST_DIR", ours.trust().toString()).timeoutSeconds(900).run();
                assertThat(bundled.exitCode()).as(bundled.stderr()).isZero();
                Map<String, String> update = new HashMap<>(env);
                update.putAll(Map.of("EFLOW_UPDATE_SOURCE", bundles.toString(), "EFLOW_UPDATE_VERSION", next));
                ConsoleBrowser.scenario("updates.mjs", status.url(), update);
                assertThat(manager.list()).singleElement().satisfies(i -> assertThat(i.imageVersion()).isEqualTo(next));
            } finally {
                if (manager.list().stream().anyMatch(i -> i.name().equals(NAME))) {
                    manager.remove(NAME);
                }
            }
        }
    }
}
