package io.eflow.cli;

import io.eflow.daemon.api.NameServerView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.List;

/**
 * The guest's name servers (Set-EflowVmDNSServers): by default the host's, read at every start (on QEMU's user-mode
 * NAT, QEMU's resolver, which asks the host's); {@code set} names others, in force at once in a running guest and
 * at every start; {@code clear} goes back to the default.
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
        @Parameters(arity = "1..*", paramLabel = "SERVER", description = "Name server addresses, in the order to ask them.")
        List<String> servers;

        @Override
        public void run() {
            print(json, client().setNameServers(name.instance(), servers), DnsCommand::text);
        }
    }

    @Command(name = "clear", description = "Go back to the default name servers (the host's, or QEMU's on its NAT).")
    static final class Clear extends InstanceCommand implements Runnable {
        @Override
        public void run() {
            print(json, client().setNameServers(name.instance(), List.of()), DnsCommand::text);
        }
    }

    static String text(NameServerView view) {
        String given = view.servers().isEmpty() ? "(none: the guest keeps its own /etc/resolv.conf)" : String.join(" ", view.servers());
        String text = view.name() + ": " + given + " (" + view.source() + ")";
        return view.inGuest() == null ? text + "; stopped" : text + "\nin use now: " + String.join(" ", view.inGuest());
    }
}
