package io.eflow.cli;

import io.eflow.daemon.api.EndpointAdd;
import io.eflow.daemon.api.EndpointList;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A guest's NICs on the host's networks (Add-, Get-, Remove-EflowVmEndpoint), eth1 onwards beside the host link, from
 * the next start: a veth pair into the network's bridge on the namespace backend, a tap on it (virtio-net) on a VM.
 */
@Command(name = "endpoint", description = "Add, list or remove a guest's endpoints on the host's networks (Add-/Get-/Remove-EflowVmEndpoint).",
        subcommands = {EndpointCommand.Add.class, EndpointCommand.ListEndpoints.class, EndpointCommand.Remove.class})
final class EndpointCommand extends CommandGroup {

    @Command(name = "add", description = "From the next start: eflow endpoint add --network NET [--ip A --prefix N [--gateway G]"
            + " | --dhcp] [--mac M] [--endpoint NAME] [--default-route]")
    static final class Add extends InstanceCommand implements Runnable {
        @Option(names = "--network", required = true, paramLabel = "NET", description = "The network to join.")
        String network;

        @Option(names = "--endpoint", paramLabel = "NAME", description = "The endpoint's name (default: the network's).")
        String endpoint;

        @ArgGroup(exclusive = false, multiplicity = "1")
        AddressOptions address;

        @Option(names = "--mac", paramLabel = "MAC", description = "Its MAC address (default: a random locally administered one).")
        String mac;

        @Option(names = "--default-route", description = "Make its gateway the guest's default route, ahead of the host link's.")
        boolean defaultRoute;

        @Override
        public void run() {
            print(json, client().addEndpoint(name.instance(), new EndpointAdd(endpoint, network, address.ip, address.prefix,
                    address.gateway, address.dhcp, mac, defaultRoute)), EndpointCommand::text);
        }
    }

    /** A static address or DHCP, shared by endpoint add and set --endpoint. */
    static final class AddressOptions {
        @Option(names = "--ip", paramLabel = "ADDRESS", description = "A static IPv4 address, with --prefix.")
        String ip;

        @Option(names = "--prefix", paramLabel = "N", description = "Its prefix length.")
        Integer prefix;

        @Option(names = "--gateway", paramLabel = "ADDRESS", description = "Its gateway (on a nat network: the host's address there).")
        String gateway;

        @Option(names = "--dhcp", description = "An address by DHCP instead.")
        boolean dhcp;
    }

    @Command(name = "list", description = "The instance's endpoints: name, MAC, IP configuration, and in a running guest its link state.")
    static final class ListEndpoints extends InstanceCommand implements Runnable {
        @Override
        public void run() {
            print(json, client().endpoints(name.instance()), EndpointCommand::text);
        }
    }

    @Command(name = "remove", description = "Remove an endpoint from the next start: eflow endpoint remove --endpoint NAME")
    static final class Remove extends InstanceCommand implements Runnable {
        @Option(names = "--endpoint", required = true, paramLabel = "NAME", description = "The endpoint's name.")
        String endpoint;

        @Override
        public void run() {
            print(json, client().removeEndpoint(name.instance(), endpoint), EndpointCommand::text);
        }
    }

    static String text(EndpointList list) {
        return TextRenderer.table(list.endpoints()) + (list.appliesAtNextStart() ? "changes apply from the next start\n" : "");
    }
}
