package io.eflow.cli;

import io.eflow.daemon.api.EndpointAddress;
import io.eflow.daemon.api.SetRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** Set-EflowVM: vCPUs, memory, disk sizes and a static address for the next start, checked as deploy checks them. */
@Command(name = "set", description = "Change an instance's vCPUs, memory, disk sizes or static address; used from its next start (Set-EflowVM).")
final class SetCommand extends EflowCommand implements Runnable {
    @Mixin
    NameOption name;

    @Option(names = "--cpus", paramLabel = "N", description = "Virtual CPUs, 1 to the host's logical processors.")
    Integer cpus;

    @Option(names = "--memory", paramLabel = "MB", description = "Memory in MB, even, at least 1024, at most the host's free memory.")
    Integer memoryMb;

    @Option(names = "--data-size", paramLabel = "GB", description = "Grow the data disk (/var) to GB, up to 2048; it never shrinks.")
    Integer dataSizeGb;

    @Option(names = "--log-size", paramLabel = "SIZE", description = "large: grow the log disk (/logs) from 1 to 6 GB.")
    String logSize;

    @Option(names = "--ip", paramLabel = "ADDRESS", description = "A static IPv4 address for the guest's link, with --prefix and --gateway.")
    String ip;

    @Option(names = "--prefix", paramLabel = "N", description = "Its prefix length.")
    Integer prefix;

    @Option(names = "--gateway", paramLabel = "ADDRESS", description = "The host's side of the link, the guest's default route.")
    String gateway;

    @Mixin
    JsonOption json;

    @Option(names = "--endpoint", paramLabel = "NAME", description = "Change this endpoint's address instead of the host link's"
            + " (with --ip/--prefix/--gateway or --dhcp).")
    String endpoint;

    @Option(names = "--dhcp", description = "With --endpoint: its address by DHCP.")
    boolean dhcp;

    @Override
    public void run() {
        if (endpoint != null || dhcp) {
            if (endpoint == null || cpus != null || memoryMb != null || dataSizeGb != null || logSize != null) {
                throw new ParameterException(spec.commandLine(), "--endpoint NAME changes one endpoint's address (--ip/--prefix/--gateway"
                        + " or --dhcp) and nothing else");
            }
            print(json, client().readdressEndpoint(name.instance(), endpoint, new EndpointAddress(ip, prefix, gateway, dhcp)),
                    EndpointCommand::text);
            return;
        }
        print(json, client().set(name.instance(), new SetRequest(cpus, memoryMb, dataSizeGb, logSize, ip, prefix, gateway)),
                change -> change.name() + ": " + change.cpus() + " vCPU, " + change.memoryMb() + " MB, /var " + change.dataSizeGb()
                        + " GB, /logs " + change.logSize().gigabytes() + " GB, " + change.address() + " via " + change.gateway()
                        + (change.appliesAtNextStart() ? " (from the next start; stop and start the instance to apply)" : ""));
    }
}
