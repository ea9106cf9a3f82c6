package io.eflow.cli;

import io.eflow.daemon.api.FirewallChange;
import io.eflow.daemon.api.FirewallView;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The guest's inbound firewall (the counterpart of eflow-util's Get-/Set-EflowVmFirewallRules): the defaults drop
 * everything but loopback, established traffic and (with the tcp transport) SSH; user rules let more in. Rules are
 * kept in the instance's configuration and applied at every start.
 */
@Command(name = "firewall", description = "List, allow or remove inbound firewall rules of an instance.",
        subcommands = {FirewallCommand.ListRules.class, FirewallCommand.Allow.class, FirewallCommand.Remove.class})
final class FirewallCommand extends CommandGroup {
    /** The words that name one rule, shared by allow and remove. */
    static final class RuleOptions {
        @Option(names = "--protocol", paramLabel = "tcp|udp", required = true, description = "tcp or udp.")
        String protocol;

        @Option(names = "--port", paramLabel = "PORT[-PORT]", required = true, description = "A port or a range, 1-65535.")
        String port;

        @Option(names = "--source", paramLabel = "CIDR", description = "Only from this IPv4 network (default: any).")
        String source;

        @Option(names = "--endpoint", paramLabel = "NAME", description = "Only on this endpoint (default: every one; 'default' is"
                + " the host link).")
        String endpoint;

        FirewallChange change() {
            return new FirewallChange(protocol, port, source, endpoint);
        }
    }

    @Command(name = "list", description = "Show the default rules and the user's rules.")
    static final class ListRules extends EflowCommand implements Runnable {
        @Mixin
        NameOption name;

        @Mixin
        JsonOption json;

        @Override
        public void run() {
            show(this, json, client().firewall(name.instance()));
        }
    }

    @Command(name = "allow", description = "Let inbound traffic in: --protocol tcp|udp --port N[-M] [--source CIDR] [--endpoint NAME].")
    static final class Allow extends RuleChange {
        @Override
        FirewallView apply(DaemonClient client, String instance, FirewallChange change) {
            return client.allow(instance, change);
        }
    }

    @Command(name = "remove", description = "Remove a rule added with allow (same words).")
    static final class Remove extends RuleChange {
        @Override
        FirewallView apply(DaemonClient client, String instance, FirewallChange change) {
            return client.disallow(instance, change);
        }
    }

    /** allow and remove take the same words and print the firewall afterwards. */
    abstract static class RuleChange extends EflowCommand implements Runnable {
        @Mixin
        NameOption name;

        @ArgGroup(exclusive = false, multiplicity = "1")
        RuleOptions rule;

        @Mixin
        JsonOption json;

        abstract FirewallView apply(DaemonClient client, String instance, FirewallChange change);

        @Override
        public void run() {
            show(this, json, apply(client(), name.instance(), rule.change()));
        }
    }

    private static void show(EflowCommand command, JsonOption json, FirewallView view) {
        command.print(json, view, TextRenderer::keyValues);
    }
}
