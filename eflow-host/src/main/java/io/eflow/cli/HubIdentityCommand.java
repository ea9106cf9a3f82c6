package io.eflow.cli;

import io.eflow.contract.wire.HubIdentity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.List;

/**
 * Identities for host applications: each gets a module connection string (with {@code GatewayHostName}) that the
 * Azure IoT SDKs take as is, to reach the hub through a forward of its port.
 */
@Command(name = "identity", description = "Add, list, show or remove the identities host applications connect to the hub with.",
        subcommands = {HubIdentityCommand.Add.class, HubIdentityCommand.ListIdentities.class, HubIdentityCommand.Show.class,
                HubIdentityCommand.Remove.class})
final class HubIdentityCommand extends CommandGroup {
    /** The identity's name, shared by add, show and remove. */
    static final class IdentityName {
        @Parameters(paramLabel = "NAME", description = "The identity, e.g. hostApp.")
        String identity;
    }

    @Command(name = "add", description = "Create an identity and print its connection string: eflow hub identity add hostApp")
    static final class Add extends EflowCommand implements Runnable {
        @Mixin
        IdentityName identity;

        @Mixin
        NameOption name;

        @Mixin
        JsonOption json;

        @Override
        public void run() {
            print(json, client().addHubIdentity(name.instance(), identity.identity), HubIdentityCommand::connectionString);
        }
    }

    @Command(name = "list", description = "Every identity, the modules' and the host applications' (no keys).")
    static final class ListIdentities extends EflowCommand implements Runnable {
        @Mixin
        NameOption name;

        @Mixin
        JsonOption json;

        @Override
        public void run() {
            print(json, client().hubIdentities(name.instance()), ListIdentities::text);
        }

        static String text(List<HubIdentity> identities) {
            if (identities.isEmpty()) {
                return "No identities: eflow hub identity add NAME creates one.";
            }
            return TextRenderer.table(identities);
        }
    }

    @Command(name = "show", description = "Print an identity's connection string.")
    static final class Show extends EflowCommand implements Runnable {
        @Mixin
        IdentityName identity;

        @Mixin
        NameOption name;

        @Mixin
        JsonOption json;

        @Override
        public void run() {
            print(json, client().hubIdentity(name.instance(), identity.identity), HubIdentityCommand::connectionString);
        }
    }

    @Command(name = "remove", description = "Remove an identity: its connection string stops working.")
    static final class Remove extends EflowCommand implements Runnable {
        @Mixin
        IdentityName identity;

        @Mixin
        NameOption name;

        @Override
        public void run() {
            client().removeHubIdentity(name.instance(), identity.identity);
            context().out().println("Removed identity " + identity.identity);
        }
    }

    private static String connectionString(HubIdentity identity) {
        return identity.connectionString() == null ? "" : identity.connectionString();
    }
}
