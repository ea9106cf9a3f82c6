package io.eflow.cli;

import io.eflow.daemon.api.InstanceSummary;
import io.eflow.image.TrustStore;
import io.eflow.platform.EflowException;
import io.eflow.update.Semver;
import io.eflow.update.UpdateCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code eflow update check}: what a folder or an HTTPS update source offers, every bundle's signature checked
 * against the trusted keys, and how each release stands to the instance's installed one.
 */
@Command(name = "check", description = "List the update bundles a folder or HTTPS source offers, checked against the trusted keys.")
final class UpdateCheckCommand extends EflowCommand implements Runnable {
    @Option(names = "--source", required = true, paramLabel = "DIR|URL",
            description = "A folder of *.bundle files, or the https:// URL of a folder with catalog.json.")
    String source;

    @Option(names = "--ca", paramLabel = "PEM_FILE", description = "Trust this PEM certificate for the HTTPS source (default: the JDK's CAs).")
    String ca;

    @Mixin
    NameOption name;

    @Mixin
    JsonOption json;

    @Override
    public void run() {
        CliContext context = context();
        TrustStore trust = TrustStore.load(context.paths());
        Semver installed = installedVersion();
        String where = UpdateCheck.isUrl(source) ? source : context.absolute(source);
        Path caPem = ca == null ? null : Path.of(context.absolute(ca));
        List<UpdateCheck.Row> rows = UpdateCheck.source(where, caPem, trust, installed);
        print(json, rows, TextRenderer::table);
    }

    /**
     * The instance's release, from its image version; none when no instance can be resolved (no daemon answer, none or
     * several instances and no --name; the daemon is not started for it), then the bundles are only listed. A named instance that does not exist is an error.
     */
    private Semver installedVersion() {
        String imageVersion;
        if (name.instance() != null) {
            imageVersion = client().get(name.instance()).configuration().imageVersion();
        } else {
            List<InstanceSummary> instances;
            try {
                instances = context().clientIfRunning().list();
            } catch (EflowException e) {
                return null;
            }
            if (instances.size() != 1) {
                return null;
            }
            imageVersion = instances.get(0).imageVersion();
        }
        try {
            return imageVersion == null ? null : Semver.ofImageVersion(imageVersion);
        } catch (EflowException e) {
            return null;
        }
    }
}
