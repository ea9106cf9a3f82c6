package io.eflow.cli;

import io.eflow.daemon.api.DeployRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Deploy-Eflow: every flag is optional; the daemon checks them all (with the host's limits) before creating anything. */
@Command(name = "deploy", description = "Create and start an instance (Deploy-Eflow). Progress goes to stderr.")
final class DeployCommand extends EflowCommand implements Runnable {
    @Option(names = "--name", paramLabel = "NAME", description = "Instance name, also the guest's hostname (default: <hostname>-EFLOW).")
    String name;

    @Option(names = "--cpus", paramLabel = "N", description = "Virtual CPUs, 1 to the host's logical processors (default: 1).")
    Integer cpus;

    @Option(names = "--memory", paramLabel = "MB", description = "Memory in MB, even, at least 1024 (default: 1024).")
    Integer memoryMb;

    @Option(names = "--data-size", paramLabel = "GB", description = "Data disk (/var) in GB, 2 to 2048 (default: 10).")
    Integer dataSizeGb;

    @Option(names = "--log-size", paramLabel = "small|large", description = "Log disk (/logs): small = 1 GB (default), large = 6 GB.")
    String logSize;

    @Option(names = "--backend", paramLabel = "auto|namespace|qemu", description = "Isolation (default: auto).")
    String backend;

    @Option(names = "--ip", paramLabel = "ADDRESS", description = "Static IPv4 address (needs --prefix and --gateway).")
    String ip;

    @Option(names = "--prefix", paramLabel = "BITS", description = "Prefix length of the static address.")
    Integer prefix;

    @Option(names = "--gateway", paramLabel = "ADDRESS", description = "Gateway of the static address.")
    String gateway;

    @Option(names = "--image", paramLabel = "DIR", description = "Image folder to install (default: the latest built image).")
    String image;

    @Option(names = "--ssh-transport", paramLabel = "host-only|tcp",
            description = "host-only (default): SSH only over the host-only channel; tcp: also on port 22 of the guest's address.")
    String sshTransport;

    @Mixin
    JsonOption json;

    @Override
    public void run() {
        CliContext context = context();
        print(json, client().deploy(request(context), ProgressLines.of(context, json)), TextRenderer::keyValues);
    }

    /** The flags as the daemon's request; only the image folder is resolved here, against the user's directory. */
    DeployRequest request(CliContext context) {
        return new DeployRequest(name, cpus, memoryMb, dataSizeGb, logSize, backend, ip, prefix, gateway,
                image == null ? null : context.absolute(image), sshTransport);
    }
}
