package io.eflow.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "start", description = "Start an instance; nothing happens if it runs already (Start-EflowVm).")
final class StartCommand extends EflowCommand implements Runnable {
    @Mixin
    NameOption name;

    @Mixin
    JsonOption json;

    @Override
    public void run() {
        print(json, client().start(name.instance()), change -> "Started " + change.name());
    }
}
