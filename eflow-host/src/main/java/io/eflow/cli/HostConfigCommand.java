package io.eflow.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "host-config", description = "Show what the host offers: free memory, logical processors, disks (Get-EflowHostConfiguration).")
final class HostConfigCommand extends EflowCommand implements Runnable {
    @Mixin
    JsonOption json;

    @Override
    public void run() {
        print(json, client().hostConfig(), TextRenderer::keyValues);
    }
}
