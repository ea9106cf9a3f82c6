package io.eflow.cli;

import io.eflow.daemon.api.EflowVersion;
import io.eflow.daemon.api.VersionInfo;
import io.eflow.platform.EflowException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The CLI's version and the running daemon's; never starts a daemon and needs no root (it changes nothing). */
@Command(name = "version", description = "Show the versions of the CLI and of the running daemon.")
final class VersionCommand extends EflowCommand implements Runnable {
    @Mixin
    JsonOption json;

    record Versions(String cli, VersionInfo daemon, String daemonStatus) {
    }

    @Override
    public void run() {
        CliContext context = context();
        Versions versions;
        if (!context.root()) {
            versions = new Versions(EflowVersion.get(), null, "eflowd: unknown (only root can reach it)");
        } else {
            try {
                VersionInfo daemon = context.clientIfRunning().version();
                versions = new Versions(EflowVersion.get(), daemon, "running");
            } catch (EflowException e) {
                versions = new Versions(EflowVersion.get(), null, e.getMessage());
            }
        }
        print(json, versions, VersionCommand::text);
    }

    static String text(Versions versions) {
        String daemon = versions.daemon() == null
                ? versions.daemonStatus()
                : "eflowd " + versions.daemon().version() + " (pid " + versions.daemon().pid() + ", Java " + versions.daemon().java() + ")";
        return "eflow " + versions.cli() + "\n" + daemon;
    }
}
