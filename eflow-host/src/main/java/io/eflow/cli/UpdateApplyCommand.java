package io.eflow.cli;

import io.eflow.daemon.api.UpdateRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The counterpart of installing an EFLOW update: a signed bundle into the inactive slot, tried, committed or rolled back. */
@Command(name = "apply", description = "Install an update bundle into the inactive slot and restart into it on trial;"
        + " the guest's health check commits it, anything else returns to the running slot. Progress goes to stderr.")
final class UpdateApplyCommand extends EflowCommand implements Runnable {
    @Parameters(paramLabel = "BUNDLE", description = "The bundle file, or an https:// URL of one.")
    String bundle;

    @Option(names = "--no-restart", description = "Stage the update: the next start tries it.")
    boolean noRestart;

    @Option(names = "--allow-skip", description = "Accept a newer version that is not the next one in sequence.")
    boolean allowSkip;

    @Option(names = "--allow-downgrade", description = "Accept an older version.")
    boolean allowDowngrade;

    @Option(names = "--health-timeout", paramLabel = "SECONDS",
            description = "The trial must be healthy within this from the guest's start (default: 300).")
    Integer healthTimeout;

    @Option(names = "--tries", paramLabel = "N", description = "Boots the trial slot gets before it counts as failed (default: 2).")
    Integer tries;

    @Option(names = "--ca", paramLabel = "PEM", description = "Certificate to trust for an https:// bundle (default: the JDK's CAs).")
    String ca;

    @Mixin
    NameOption name;

    @Mixin
    JsonOption json;

    @Override
    public void run() {
        CliContext context = context();
        boolean remote = bundle.startsWith("https://") || bundle.startsWith("http://");
        UpdateRequest request = new UpdateRequest(remote ? bundle : context.absolute(bundle), allowSkip, allowDowngrade,
                noRestart, healthTimeout, tries, ca == null ? null : context.absolute(ca));
        print(json, client().applyUpdate(name.instance(), request, ProgressLines.of(context, json)), UpdateText::render);
    }
}
