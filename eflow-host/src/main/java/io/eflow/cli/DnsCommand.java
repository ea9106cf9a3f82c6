package io.eflow.cli;

import io.eflow.daemon.api.NameServerView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

/**
 * The guest's name servers (Set-EflowVmDNSServers): by default the host's, read at every start (on QEMU's user-mode
 * NAT, QEMU's resolver, which asks the host's); {@code set} names others, in force at once in a running guest and
 * at every start; {@code clear} goes back to the default. With {@code --endpoint} the servers belong to an endpoint and
 * are merged with the host link's in route-metric order (a default-route endpoint's first, the others' after).
 */
@Command(name = "dns", description = "Show or set the guest's name servers (Set-EflowVmDNSServers).",
        subcommands = {DnsCommand.Show.class, DnsCommand.Set.class, DnsCommand.Clear.class})
final class DnsCommand extends CommandGroup {

    @Command(name = "show", description = "The name servers the guest is given, and those it uses now.")
    static final class Show extends InstanceCommand implements Runnable {
        @Override
        public void run() {
            print(json, client().nameServers(name.instance()), DnsCommand::text);
        }
    }

    @Command(name = "set", description = "Use these name servers (up to 3, IPv4), now and from every start: eflow dns set 10.0.0.53")
    static final class Set extends InstanceCommand implements Runnable {
        @Option(names = "--endpoint", paramLabel = "NAME", description = "For this endpoint (default: the host link). A"
                + " --default-route endpoint's servers are asked before the host link's, the others' after.")
        String endpoint;
        @Parameters(arity = "1..*", paramLabel = "SERVER", description = "Name server addresses, in the order to ask them.")
        List<String> servers;

        @Override
        public void run() {
            print(json, client().setNameServers(name.instance(), endpoint, servers), DnsCommand::text);
        }
    }

    @Command(name = "clear", description = "Go back to the default name servers (the host's, or QEMU's on its NAT); with"
            + " --endpoint, drop that endpoint's.")
    static final class Clear extends InstanceCommand implements Runnable {
        @Option(names = "--endpoint", paramLabel = "NAME", description = "The endpoint whose servers go (default: the host link's).")
        String endpoint;

        @Override
        public void run() {
            print(json, client().setNameServers(name.instance(), endpoint, List.of()), DnsCommand::text);
        }
    }

    static String text(NameServerView view) {
        String given = view.servers().isEmpty() ? "(none: the guest keeps its own /etc/resolv.conf)" : String.join(" ", view.servers());
        StringBuilder text = new StringBuilder(view.name()).append(": ").append(given).append(" (").append(view.source()).append(')');
        if (view.inGuest() == null) {
            text.append("; stopped");
        }
        view.endpoints().forEach((endpoint, servers) -> text.append("\nendpoint ").append(endpoint).append(": ")
                .append(String.join(" ", servers)));
        if (!view.unused().isEmpty()) {
            text.append("\nnot used (the guest's resolver reads the first 3): ").append(String.join(" ", view.unused()));
        }
        if (view.inGuest() != null) {
            text.append("\nin use now: ").append(String.join(" ", view.inGuest()));
        }
        return text.toString();
    }
}
