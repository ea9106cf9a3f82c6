package io.eflow.cli;

import io.eflow.daemon.api.SetRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Set-EflowVM: vCPUs and memory for the next start, checked as deploy checks them. */
@Command(name = "set", description = "Change an instance's vCPUs and memory; used from its next start (Set-EflowVM).")
final class SetCommand extends EflowCommand implements Runnable {
    @Mixin
    NameOption name;

    @Option(names = "--cpus", paramLabel = "N", description = "Virtual CPUs, 1 to the host's logical processors.")
    Integer cpus;

    @Option(names = "--memory", paramLabel = "MB", description = "Memory in MB, even, at least 1024, at most the host's free memory.")
    Integer memoryMb;

    @Mixin
    JsonOption json;

    @Override
    public void run() {
        print(json, client().set(name.instance(), new SetRequest(cpus, memoryMb)),
                change -> change.name() + ": " + change.cpus() + " vCPU, " + change.memoryMb() + " MB"
                        + (change.appliesAtNextStart() ? " (from the next start; stop and start the instance to apply)" : ""));
    }
}
