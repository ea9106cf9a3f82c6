package io.eflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.contract.manifest.DeploymentManifest;
import io.eflow.daemon.api.DeploymentApplied;
import io.eflow.platform.EflowException;
import io.eflow.platform.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** IoT Edge deployment manifests: {@code az iot edge set-modules} for this device, and what it runs now. */
@Command(name = "deployment", description = "Apply or show the IoT Edge deployment manifest the guest runs.",
        subcommands = {DeploymentCommand.Apply.class, DeploymentCommand.Show.class})
final class DeploymentCommand extends CommandGroup {
    @Command(name = "apply", description = "Check a deployment manifest and apply it: eflow deployment apply deployment.json")
    static final class Apply extends EflowCommand implements Runnable {
        @Parameters(paramLabel = "FILE", description = "The deployment manifest (JSON), as for az iot edge set-modules.")
        String file;

        @Option(names = "--wait", description = "Wait until every module the manifest wants running runs its image; image pulls"
                + " show their progress, and a module that cannot start ends the wait with its reason.")
        boolean await;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600", description = "How long --wait waits (default: ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        @Mixin
        NameOption name;

        @Mixin
        JsonOption json;

        @Override
        public void run() {
            Path path = Path.of(context().absolute(file));
            byte[] manifest;
            try {
                manifest = Files.readAllBytes(path);
            } catch (IOException e) {
                throw new EflowException("cannot read " + path + ": " + e.getMessage());
            }
            DaemonClient client = client();
            DeploymentApplied applied = client.applyDeployment(name.instance(), manifest);
            if (await) {
                // the daemon accepted it, so it reads
                ModuleWait wait = new ModuleWait(DeploymentManifest.parse(new String(manifest, StandardCharsets.UTF_8)).manifest(),
                        ProgressLines.of(context(), json));
                wait.until(() -> client.modules(applied.name()), Duration.ofSeconds(timeoutSeconds));
            }
            print(json, applied, Apply::text);
        }

        private static String text(DeploymentApplied result) {
            StringBuilder text = new StringBuilder("Applied deployment to " + result.name() + ": " + result.modules() + " modules\n");
            result.warnings().forEach(warning -> text.append("warning: ").append(warning).append('\n'));
            return text.toString();
        }
    }

    @Command(name = "show", description = "Print the deployment manifest the guest runs (registry passwords hidden).")
    static final class Show extends EflowCommand implements Runnable {
        @Mixin
        NameOption name;

        @Override
        public void run() {
            JsonNode deployment = client().deployment(name.instance());
            deployment.findParents("password").forEach(parent -> ((ObjectNode) parent)
                    .put("password", "(hidden)"));
            context().out().println(Json.pretty(deployment));
        }
    }
}
