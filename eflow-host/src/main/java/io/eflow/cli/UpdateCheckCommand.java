package io.eflow.cli;

import io.eflow.contract.proxy.ProxySettings;
import io.eflow.daemon.api.InstanceSummary;
import io.eflow.image.TrustStore;
import io.eflow.instance.model.InstanceConfig;
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
        InstanceConfig instance = instance();
        Semver installed = installedVersion(instance);
        String where = UpdateCheck.isUrl(source) ? source : context.absolute(source);
        Path caPem = ca == null ? null : Path.of(context.absolute(ca));
        // the instance's proxy, as its update apply would go through it
        ProxySettings proxy = instance == null ? ProxySettings.none() : instance.network().proxy();
        List<UpdateCheck.Row> rows = UpdateCheck.source(where, caPem, trust, installed, proxy.selector());
        print(json, rows, TextRenderer::table);
    }

    /**
     * The instance checked for: none when none can be resolved (no daemon answer, none or several instances and no
     * --name; the daemon is not started for it), then the bundles are only listed. A named instance that does not exist
     * is an error.
     */
    private InstanceConfig instance() {
        if (name.instance() != null) {
            return client().get(name.instance()).configuration();
        }
        DaemonClient running;
        List<InstanceSummary> instances;
        try {
            running = context().clientIfRunning();
            instances = running.list();
        } catch (EflowException e) {
            return null;
        }
        return instances.size() == 1 ? running.get(instances.get(0).name()).configuration() : null;
    }

    /** The instance's release, from its image version. */
    private static Semver installedVersion(InstanceConfig instance) {
        String imageVersion = instance == null ? null : instance.imageVersion();
        try {
            return imageVersion == null ? null : Semver.ofImageVersion(imageVersion);
        } catch (EflowException e) {
            return null;
        }
    }
}
