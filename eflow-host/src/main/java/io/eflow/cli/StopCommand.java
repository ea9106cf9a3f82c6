package io.eflow.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "stop", description = "Stop an instance; nothing happens if it is stopped already (Stop-EflowVm).")
final class StopCommand extends EflowCommand implements Runnable {
    @Mixin
    NameOption name;

    @Mixin
    JsonOption json;

    @Override
    public void run() {
        print(json, client().stop(name.instance()), change -> "Stopped " + change.name());
    }
}
