package io.eflow.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "addr", description = "Show an instance's IP and MAC address (Get-EflowVmAddr).")
final class AddrCommand extends EflowCommand implements Runnable {
    @Mixin
    NameOption name;

    @Mixin
    JsonOption json;

    @Override
    public void run() {
        print(json, client().addr(name.instance()), TextRenderer::keyValues);
    }
}
