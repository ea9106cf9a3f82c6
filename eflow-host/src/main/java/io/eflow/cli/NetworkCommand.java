package io.eflow.cli;

import io.eflow.daemon.api.NetworkAdd;
import io.eflow.daemon.api.NetworkView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

/**
 * The host's networks for guests' endpoints (Add-, Get-, Remove-EflowNetwork): nat (a bridge of eflow's with its own
 * subnet, DHCP and NAT out, as the original's Internal switch with NAT), bridge (the plant network through a host
 * interface or bridge, as an External switch) and internal (host and guests only).
 */
@Command(name = "network", description = "Add, list or remove the host's networks for guest endpoints (Add-/Get-/Remove-EflowNetwork).",
        subcommands = {NetworkCommand.Add.class, NetworkCommand.ListNetworks.class, NetworkCommand.Remove.class})
final class NetworkCommand extends CommandGroup {

    @Command(name = "add", description = "eflow network add NAME --type nat|internal [--subnet CIDR] | --type bridge --interface IF")
    static final class Add extends EflowCommand implements Runnable {
        @Parameters(index = "0", paramLabel = "NAME", description = "The network's name.")
        String network;

        @Option(names = "--type", required = true, paramLabel = "nat|bridge|internal", description = "What the network is.")
        String type;

        @Option(names = "--subnet", paramLabel = "CIDR", description = "nat and internal: eflow's subnet (default: a free /24 in 172.29.0.0/16).")
        String subnet;

        @Option(names = "--interface", paramLabel = "IF", description = "bridge: the host interface (without addresses) or the"
                + " existing bridge to join.")
        String uplink;

        @Mixin
        JsonOption json;

        @Override
        public void run() {
            print(json, client().addNetwork(new NetworkAdd(network, type, subnet, uplink)), view -> TextRenderer.table(List.of(view)));
        }
    }

    @Command(name = "list", description = "The host's networks: name, type, subnet and how endpoints get addresses.")
    static final class ListNetworks extends EflowCommand implements Runnable {
        @Mixin
        JsonOption json;

        @Override
        public void run() {
            print(json, client().networks(), NetworkCommand::text);
        }
    }

    @Command(name = "remove", description = "Remove a network no endpoint uses: eflow network remove NAME")
    static final class Remove extends EflowCommand implements Runnable {
        @Parameters(index = "0", paramLabel = "NAME", description = "The network's name.")
        String network;

        @Mixin
        JsonOption json;

        @Override
        public void run() {
            print(json, client().removeNetwork(network), view -> "removed network " + view.name() + "\n");
        }
    }

    static String text(List<NetworkView> networks) {
        return networks.isEmpty() ? "no networks; eflow network add NAME --type nat|bridge|internal makes one\n" : TextRenderer.table(networks);
    }
}
