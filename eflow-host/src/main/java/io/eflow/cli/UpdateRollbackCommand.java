package io.eflow.cli;

import io.eflow.daemon.api.UpdateRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "rollback", description = "Go back to the other slot (checked against its signed root hash) and restart;"
        + " a trial not yet run is cancelled instead.")
final class UpdateRollbackCommand extends EflowCommand implements Runnable {
    @Option(names = "--no-restart", description = "Switch slots from the next start.")
    boolean noRestart;

    @Mixin
    NameOption name;

    @Mixin
    JsonOption json;

    @Override
    public void run() {
        CliContext context = context();
        print(json, client().rollback(name.instance(), UpdateRequest.rollback(noRestart), ProgressLines.of(context(), json)), UpdateText::render);
    }
}
