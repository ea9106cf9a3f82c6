package io.eflow.cli;

import io.eflow.daemon.api.CopyRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Copy-EflowVmFile. Only the host side is resolved against the working directory; the guest side is sent as typed. */
@Command(name = "copy", description = "Copy a file from the guest to the host, or with --push from the host to the guest (Copy-EflowVmFile).")
final class CopyCommand extends EflowCommand implements Runnable {
    @Mixin
    NameOption name;

    @Option(names = "--from", required = true, paramLabel = "FILE", description = "Source: a guest path, or a host path with --push.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "FILE", description = "Destination: a host path, or a guest path with --push.")
    String to;

    @Option(names = "--push", description = "Copy from the host to the guest.")
    boolean push;

    @Mixin
    JsonOption json;

    @Override
    public void run() {
        print(json, client().copy(name.instance(), request(context())), done -> done.push()
                ? "Copied " + done.from() + " to " + done.name() + ":" + done.to()
                : "Copied " + done.name() + ":" + done.from() + " to " + done.to());
    }

    CopyRequest request(CliContext context) {
        return push ? new CopyRequest(context.absolute(from), to, true) : new CopyRequest(from, context.absolute(to), false);
    }
}
