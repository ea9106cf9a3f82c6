package io.eflow.it;

import io.eflow.console.ConsoleBrowser;
import io.eflow.daemon.Eflowd;
import io.eflow.daemon.api.ConsoleEnable;
import io.eflow.daemon.api.ConsoleStatus;
import io.eflow.instance.InstanceManager;
import io.eflow.modules.AgentClient;
import io.eflow.platform.EflowPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console in Debian's Chromium against a real eflowd with a real guest: the wizard deploys it (progress streamed),
 * the samples' deployment is applied from the Deployment tab, both modules run, the sensor's log lines arrive live, a
 * restart moves the restart count, a bad manifest is refused at its field, and a CPU count saved on the overview holds
 * after a stop and a start. The daemon has its own install (EFLOW_HOME) beside the harness's, sharing its image cache and
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
            } finally {
                if (manager.list().stream().anyMatch(i -> i.name().equals(NAME))) {
                    manager.remove(NAME);
                }
            }
        }
    }
}
