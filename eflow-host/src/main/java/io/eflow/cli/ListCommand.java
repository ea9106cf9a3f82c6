package io.eflow.cli;

import io.eflow.daemon.api.InstanceSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.List;

@Command(name = "list", description = "List the instances on this host.")
final class ListCommand extends EflowCommand implements Runnable {
    @Mixin
    JsonOption json;

    @Override
    public void run() {
        print(json, client().list(), ListCommand::text);
    }

    static String text(List<InstanceSummary> instances) {
        return instances.isEmpty() ? "No instances: eflow deploy creates one." : TextRenderer.table(instances);
    }
}
