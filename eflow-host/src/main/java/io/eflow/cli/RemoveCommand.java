package io.eflow.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "remove", description = "Delete an instance with its disks. A running instance needs --force.")
final class RemoveCommand extends EflowCommand implements Runnable {
    @Mixin
    NameOption name;

    @Option(names = "--force", description = "Stop the instance first if it runs.")
    boolean force;

    @Mixin
    JsonOption json;

    @Override
    public void run() {
        print(json, client().remove(name.instance(), force), removed -> "Removed " + removed.name());
    }
}
