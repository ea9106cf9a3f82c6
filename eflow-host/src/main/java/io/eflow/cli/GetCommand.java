package io.eflow.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "get", description = "Show an instance's configuration, power state, runtime and statistics (Get-EflowVm).")
final class GetCommand extends EflowCommand implements Runnable {
    @Mixin
    NameOption name;

    @Mixin
    JsonOption json;

    @Override
    public void run() {
        print(json, client().get(name.instance()), TextRenderer::keyValues);
    }
}
