package io.eflow.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "status", description = "Show the slots, the last update and the last trial: what happened and why.")
final class UpdateStatusCommand extends EflowCommand implements Runnable {
    @Mixin
    NameOption name;

    @Mixin
    JsonOption json;

    @Override
    public void run() {
        print(json, client().updateStatus(name.instance()), UpdateText::render);
    }
}
